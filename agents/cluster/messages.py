"""What the story stage must hear of an assignment beyond the article itself: merges, splits, evictions (pure)."""

from __future__ import annotations

from agents.cluster.models import Assignment
from schemas import StoryArticle

__all__ = ["evict_messages", "merge_messages", "split_messages"]


def merge_messages(assignment: Assignment) -> list[StoryArticle]:
    """What the story stage must hear of the merges an assignment made (before the article itself)."""
    keep = assignment.story_id
    out: list[StoryArticle] = []
    for gone in assignment.merged:
        out.append(StoryArticle(story_id=keep, kind="expect_merge", other_story=gone))
        out.append(StoryArticle(story_id=gone, kind="merge_into", other_story=keep))
    return out


def split_messages(assignment: Assignment) -> list[StoryArticle]:
    """What the story stage must hear of the splits an assignment made (after its merges, before the article)."""
    out: list[StoryArticle] = []
    for split in assignment.splits:
        new, old = split.new_story_id, split.story_id
        out.append(StoryArticle(story_id=new, kind="expect_split", other_story=old))
        out.append(StoryArticle(story_id=old, kind="split_off", other_story=new, article_ids=split.article_ids))
    return out


def evict_messages(assignment: Assignment) -> list[StoryArticle]:
    """The stories the index dropped from its window with this assignment (after the article itself)."""
    return [StoryArticle(story_id=gone, kind="evict") for gone in assignment.evicted]
