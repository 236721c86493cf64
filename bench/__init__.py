"""storywire's benchmarks: ``storywire bench`` (bench.run_bench) and the parts it runs, each runnable alone."""
