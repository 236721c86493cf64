"""The cluster agent: article-extractions → story-articles (single writer: one partition, one index)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agents.cluster.index import StoryIndex
from agents.cluster.messages import evict_messages, merge_messages, split_messages
from schemas import ArticleExtraction, StoryArticle

if TYPE_CHECKING:
    from faust.types import StreamT

    from streams.topics import Streams

__all__ = ["attach"]


def attach(sw: Streams) -> None:
    """Declare the cluster agent over a ``StoryIndex`` rebuilt from the ``cluster-index`` table after a rebalance."""
    settings = sw.settings
    index_box: dict[str, StoryIndex] = {}

    def story_index() -> StoryIndex:
        if "i" not in index_box:
            index = StoryIndex(settings.cluster)
            # The index adopts the table's profiles and the table is given the index's own (live_profile below):
            # with the memory:// store one object per story, not two.
            index.restore((v for v in sw.cluster_index.values() if v is not None), adopt=True)
            index_box["i"] = index
        return index_box["i"]

    @sw.app.on_partitions_revoked.connect
    async def _forget_index(*args: Any, **kwargs: Any) -> None:
        index_box.clear()  # rebuilt from the table by whoever owns the partition next

    @sw.app.agent(sw.extractions, name=f"{settings.topic_prefix}cluster")
    async def cluster(stream: StreamT[ArticleExtraction]) -> None:
        """article-extractions → story-articles."""
        async for extraction in stream:
            index = story_index()
            assignment = index.assign(extraction)
            keep = assignment.story_id
            for msg in [*merge_messages(assignment), *split_messages(assignment)]:
                # Delivered before the index that reflects the merge (or split) is saved: after a crash it is
                # either decided again (same input, same state) or already announced; never saved but unannounced.
                await (await sw.story_articles.send(key=msg.story_id, value=msg))
            for split in assignment.splits:  # both parts were made anew (the article's own part is saved below)
                for sid in (split.story_id, split.new_story_id):
                    if sid != keep and (profile := index.live_profile(sid)) is not None:
                        sw.cluster_index[sid] = profile
            sw.cluster_index[keep] = index.live_profile(keep) or assignment.profile
            for gone in [*assignment.evicted, *assignment.merged]:
                sw.cluster_index.pop(gone, None)
            article = StoryArticle(
                story_id=keep, extraction=extraction, score=assignment.score, new_story=assignment.new_story
            )
            await sw.story_articles.send(key=keep, value=article)
            for msg in evict_messages(assignment):
                await sw.story_articles.send(key=msg.story_id, value=msg)

    sw.agents["cluster"] = cluster
