"""A Faust codec per pydantic model: topics and tables carry pydantic objects as JSON."""

from __future__ import annotations

from typing import Any

from faust.serializers import codecs
from pydantic import BaseModel

from schemas import Alert, ArticleExtraction, DeadLetter, StoryArticle, StoryUpdate

__all__ = ["PydanticCodec", "codec_name", "register_codecs"]


class PydanticCodec(codecs.Codec):
    """Serialize one pydantic model class to JSON bytes and back (validated on the way in)."""

    def __init__(self, model: type[BaseModel], **kwargs: Any) -> None:
        super().__init__(model=model, **kwargs)
        self.model = model

    def _dumps(self, obj: Any) -> bytes:
        if isinstance(obj, BaseModel):
            return obj.model_dump_json().encode("utf-8")
        return self.model.model_validate(obj).model_dump_json().encode("utf-8")

    def _loads(self, s: bytes) -> Any:
        return self.model.model_validate_json(s)


def codec_name(model: type[BaseModel]) -> str:
    """Name under which a model's codec is registered with Faust."""
    return f"storywire.{model.__name__}"


_MODELS: tuple[type[BaseModel], ...] = (ArticleExtraction, StoryArticle, StoryUpdate, DeadLetter, Alert)


def register_codecs(extra: tuple[type[BaseModel], ...] = ()) -> None:
    """Register a codec for every message model (idempotent)."""
    for model in _MODELS + extra:
        codecs.register(codec_name(model), PydanticCodec(model))
