"""The whole pipeline in one process, no broker: the same pure functions the Faust agents call."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from agents.cluster.index import StoryIndex
from agents.cluster.messages import evict_messages, merge_messages, split_messages
from agents.cluster.models import StorySplit
from agents.cluster.settings import ClusterSettings
from agents.extract.extractor import Extractor
from agents.story.settings import StorySettings
from agents.story.state import StoryState, apply_message
from schemas import Article, ArticleError, ArticleExtraction, StoryArticle, StoryUpdate
from schemas.article import parse_article

__all__ = ["Pipeline", "StepResult"]


@dataclass(frozen=True)
class StepResult:
    """What happened to one input: its story and the update it caused, or why it was rejected."""

    article_id: str | None
    story_id: str | None = None
    update: StoryUpdate | None = None
    error: ArticleError | None = None
    extraction: ArticleExtraction | None = None
    splits: list[StorySplit] = field(default_factory=list)  # articles this step moved to a story of their own


@dataclass
class Pipeline:
    """extract → cluster → story, in arrival order, with state kept in memory."""

    extractor: Extractor | None  # None: extractions are given (add_extraction), never articles
    cluster_settings: ClusterSettings = field(default_factory=ClusterSettings)
    story_settings: StorySettings = field(default_factory=StorySettings)
    max_text_chars: int = 200_000
    index: StoryIndex = field(init=False)
    states: dict[str, StoryState] = field(init=False, default_factory=dict)
    updates: list[StoryUpdate] = field(init=False, default_factory=list)
    closed: dict[str, StoryUpdate] = field(init=False, default_factory=dict)  # final versions of evicted stories
    # Story messages refused as too large for one broker message (the broker path dead-letters them): why.
    refused: list[tuple[StoryArticle, str]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.story_settings.check_split_window(self.cluster_settings.largest_split)
        self.index = StoryIndex(self.cluster_settings)

    def add_extraction(self, extraction: ArticleExtraction) -> StepResult:
        """Cluster and fold one extracted article (what the cluster and story agents do)."""
        assignment = self.index.assign(extraction)
        sid = assignment.story_id
        article = StoryArticle(
            story_id=sid, extraction=extraction, score=assignment.score, new_story=assignment.new_story
        )
        messages = [*merge_messages(assignment), *split_messages(assignment), article, *evict_messages(assignment)]
        last = self._deliver(messages).get(sid)
        return StepResult(extraction.article.id, sid, last, extraction=extraction, splits=assignment.splits)

    def _deliver(self, messages: list[StoryArticle]) -> dict[str, StoryUpdate]:
        """Apply story messages as the story agents would, forwarded ones included; the last update per story."""
        queue = deque(messages)
        last: dict[str, StoryUpdate] = {}
        while queue:
            msg = queue.popleft()
            step = apply_message(self.states.get(msg.story_id), msg, self.story_settings)
            if step.too_large is not None:
                self.refused.append((msg, step.too_large))
                continue
            if step.evicted:
                gone = self.states.pop(msg.story_id, None)
                if gone is not None and gone.last is not None and gone.merged_into is None:
                    self.closed[msg.story_id] = gone.last  # its final version stays in final_stories()
                continue
            self.states[msg.story_id] = step.state
            self.updates.extend(step.updates)
            for update in step.updates:
                last[update.story_id] = update
            queue.extend(step.forward)
        return last

    def add_articles(self, articles: Sequence[Article]) -> list[StepResult]:
        """Extract a batch (nlp.pipe), then cluster and fold each article in order."""
        results: list[StepResult] = []
        if self.extractor is None:
            raise ValueError("this Pipeline was made without an extractor: give it extractions (add_extraction)")
        for article, ex in zip(articles, self.extractor.extract(articles), strict=True):
            if isinstance(ex, ArticleError):
                results.append(StepResult(article.id, error=ex))
            else:
                results.append(self.add_extraction(ex))
        return results

    def add_raw(self, raws: Iterable[bytes], batch_size: int = 32) -> Iterator[StepResult]:
        """Raw messages in arrival order, as the extract agent receives them."""
        batch: list[Article] = []
        for raw in raws:
            try:
                batch.append(parse_article(raw, max_chars=self.max_text_chars))
            except ArticleError as err:
                yield from self.add_articles(batch)
                batch = []
                yield StepResult(None, error=err)
                continue
            if len(batch) >= batch_size:
                yield from self.add_articles(batch)
                batch = []
        yield from self.add_articles(batch)

    def final_stories(self) -> list[StoryUpdate]:
        """The latest version of every story, oldest story first."""
        finals = [s.last for s in self.states.values() if s.last is not None and s.merged_into is None]
        finals.extend(self.closed.values())
        return sorted(finals, key=lambda u: (u.first_seen.isoformat() if u.first_seen else "", u.story_id))
