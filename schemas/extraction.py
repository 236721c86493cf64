"""What the extract stage learns from one article (message on ``article-extractions``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from schemas.article import Article

__all__ = ["ArticleExtraction", "ArticleFacts", "Entity", "EventFrame", "Participant", "Place", "Quote"]

AttributeValue = str | int | float


class Entity(BaseModel):
    """A canonical entity of one article: one id per real entity across spellings."""

    model_config = ConfigDict(frozen=True)

    id: str  # e.g. "person:vladimir-putin"
    name: str  # display form, the longest/most complete spelling seen
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, NORP, EVENT, FAC, ...
    mentions: int = 1
    aliases: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)  # titles it is named with, e.g. "us president", "pope"


class EventFrame(BaseModel):
    """One happening an article reports: who did what to whom, when, where, with which figures."""

    model_config = ConfigDict(frozen=True)

    type: str  # call, attack, threat, statement, meeting, casualties, ...
    trigger: str  # lemma of the word that expresses the event
    trigger_text: str = ""  # the word(s) as written
    actors: list[str] = Field(default_factory=list)  # entity ids
    targets: list[str] = Field(default_factory=list)  # entity ids (or lowercased noun phrases)
    when: str | None = None  # ISO date (YYYY-MM-DD) normalized against the publish date
    when_text: str | None = None
    where: str | None = None  # canonical place entity id
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    sentence: str = ""
    sentence_index: int = 0
    start: int = 0  # char offset of the trigger in Article.body
    end: int = 0
    # Participants' offices that one person holds at a time (entity id -> role, e.g. "pope", "us president")
    # and display names: the merge step reports "same office, different name" across sources as a conflict.
    roles: dict[str, str] = Field(default_factory=dict)
    names: dict[str, str] = Field(default_factory=dict)


class Quote(BaseModel):
    """A quotation with its speaker (entity id, when one is found)."""

    model_config = ConfigDict(frozen=True)

    speaker: str | None = None
    text: str
    sentence_index: int = 0


class Place(BaseModel):
    """Where something happened: the place as named, its city, region (full state or province name) and country."""

    model_config = ConfigDict(frozen=True)

    name: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None


class Participant(BaseModel):
    """A person an incident happened to or was done by: victim, suspect; and what became of them."""

    model_config = ConfigDict(frozen=True)

    name: str
    age: int | None = None
    role: str | None = None  # victim, suspect
    status: str | None = None  # killed, injured, unharmed, arrested, "injured, arrested", ...


class ArticleFacts(BaseModel):
    """The main incident one article reports, as that article tells it (None: the article does not say)."""

    model_config = ConfigDict(frozen=True)

    type: str | None = None  # the incident's event type: shooting, fire, ...
    date: str | None = None  # ISO date it happened (not the date published)
    place: Place | None = None
    killed: int | None = None
    injured: int | None = None
    participants: list[Participant] = Field(default_factory=list)
    # People the article names in full with an age beside them ("Jane Doe, 34,"), participants here or not: another
    # report of the story may name them as participants without their age.
    ages: dict[str, int] = Field(default_factory=dict)


class ArticleExtraction(BaseModel):
    """An article with its extraction. Deterministic for a given article and extractor version."""

    article: Article
    extractor_version: str = ""
    language: str = "en"
    sentences: list[str] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    events: list[EventFrame] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    facts: ArticleFacts = Field(default_factory=ArticleFacts)  # the main incident, for the story's facts
    # Clustering features: content-word lemma counts of the body and of the title.
    terms: dict[str, int] = Field(default_factory=dict)
    title_terms: list[str] = Field(default_factory=list)
    # Event cues that separate same-kind stories.
    places: list[str] = Field(default_factory=list)  # canonical place ids
    dates: list[str] = Field(default_factory=list)  # ISO dates named in the text
    figures: list[str] = Field(default_factory=list)  # normalized numbers with their unit word
    text_fingerprint: list[int] = Field(default_factory=list)  # MinHash of word shingles
    # Headline-only articles: the title's sentence embedding (agents/embedding.pack: 384 signed bytes, base64).
    title_vector: str | None = None
    # Provenance: where on the ``articles`` topic this article was read (None when run in process).
    input_partition: int | None = None
    input_offset: int | None = None
