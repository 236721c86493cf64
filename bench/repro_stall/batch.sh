#!/bin/sh
# Run the kill -9 / restart reproduction N times with and without the fetch guard; one summary line per run.
#   sh bench/repro_stall/batch.sh 6 6/6/1
N=${1:-6}
T=${2:-6/6/1}
cd "$(dirname "$0")/../.." || exit 1
for i in $(seq 1 "$N"); do
  for mode in "" "--guard"; do
    .venv/bin/python bench/repro_stall/run.py --timeouts "$T" --patience 30 --restarts 0 $mode > /tmp/repro_batch_$$.txt 2>&1
    rc=$?
    summary=$(python3 -c "
import json, sys
t = open('/tmp/repro_batch_$$.txt').read(); d = json.loads(t[t.index('{'):])
rp = next(v for k, v in d['partitions'].items() if k.endswith('repartition'))
print('missing=%d dup=%d repartition committed/records: %s' % (d['missing'], d['duplicates'],
      ' '.join('%s:%s/%s%s' % (p, r['committed'], r['records'], '!' if r['missing'] else '') for p, r in rp.items())))
" 2>/dev/null || echo "no report")
    echo "run $i ${mode:-unguarded} timeouts=$T rc=$rc $summary $(head -1 /tmp/repro_batch_$$.txt | cut -d' ' -f2 | tr -d :)"
  done
done
rm -f /tmp/repro_batch_$$.txt
