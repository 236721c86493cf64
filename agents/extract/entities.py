"""Canonical entities of one parsed article: one id per real entity across spellings, titles and short forms.

"Vladimir Putin", "Putin" and "President Putin" become one entity; "Zelensky" joins "Volodymyr Zelenskyy"
(one edit apart); the title in front of a name is kept as the entity's *role* ("us president", "pope"),
which lets the merge step tell "the same office, a different name" (a conflict) from "another person".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy
from rapidfuzz.distance import Levenshtein
from spacy.attrs import IS_ALPHA, IS_LOWER, LOWER, POS
from spacy.strings import get_string_id
from spacy.symbols import ADJ, ADV, NOUN, VERB
from spacy.tokens import Doc, Span, Token

from schemas.extraction import Entity

__all__ = [
    "ENTITY_LABELS",
    "LONG_TOKEN",
    "PLACE_LABELS",
    "TWO_EDIT_TOKEN",
    "CanonicalEntities",
    "canonicalize_entities",
    "entity_slug",
    "name_spans",
    "name_tokens",
    "name_words_match",
    "names_match",
    "role_is_specific",
    "tokens_match",
]

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Titles that are part of how the person is named ("Pope Leo", "King Charles"): kept in the display name.
REGNAL_TITLES = frozenset({"pope", "king", "queen", "prince", "princess", "emperor", "empress", "sheikh", "ayatollah"})
# Offices held by one person at a time even without a country in front ("Pope" needs no "Vatican").
UNIQUE_TITLES = frozenset({"pope", "dalai lama"})
TITLES = frozenset({
    "president", "vice", "prime", "minister", "chancellor", "premier", "leader", "chief", "head", "ceo", "cfo", "coo",
    "chairman", "chairwoman", "chair", "founder", "director", "governor", "gov", "mayor", "senator", "sen",
    "rep", "representative", "congressman", "congresswoman", "secretary", "spokesman", "spokeswoman",
    "spokesperson", "ambassador", "envoy", "general", "gen", "colonel", "col", "captain", "capt", "lieutenant",
    "lt", "sergeant", "sgt", "officer", "detective", "det", "sheriff", "deputy", "commissioner", "judge",
    "justice", "attorney", "prosecutor", "coach", "bishop", "cardinal", "archbishop", "rabbi", "imam",
    "patriarch", "superintendent", "trooper", "councilman", "councilwoman", "executive", "commander",
    "speaker", "foreign", "defense", "defence", "security", "interior", "finance", "police", "state",
    "former", "acting", "interim", "dr", "mr", "mrs", "ms", "prof", "professor", "lord", "lady", "sir",
    *REGNAL_TITLES,
})  # fmt: skip
CORPORATE_SUFFIXES = frozenset(
    {
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "co",
        "llc",
        "plc",
        "group",
        "company",
        "holdings",
        "ag",
        "sa",
        "gmbh",
        "nv",
        "se",
    }
)
TIME_ZONES = frozenset(
    "GMT UTC BST IST EST EDT CST CDT MST MDT PST PDT AKST AKDT HST CET CEST EET EEST WET WEST AEST AEDT JST".split()
)
HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "prof", "professor", "sir", "lord", "lady"})
_LABEL_PREFERENCE = {"PERSON": 0, "GPE": 1, "ORG": 2, "LOC": 3, "NORP": 4, "FAC": 5, "EVENT": 6}
_SLUG = re.compile(r"[^a-z0-9]+")
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})


# Dots and apostrophes join the letters around them: "U.S." is "us", "Children's" is "childrens", "O'Brien" "obrien".
_JOINERS = str.maketrans("", "", ".'’")


def entity_slug(text: str) -> str:
    """Lowercase ASCII-ish slug used in entity ids ("Volodymyr Zelenskyy" → "volodymyr-zelenskyy")."""
    return _SLUG.sub("-", text.lower().translate(_JOINERS)).strip("-")


LONG_TOKEN = 6  # tokens_match: shorter words match only themselves
TWO_EDIT_TOKEN = 11  # tokens_match: two words this long or longer may be two edits apart (else one)


def tokens_match(a: str, b: str) -> bool:
    """Two name tokens are the same word, allowing one edit in long words ("zelensky" ~ "zelenskyy")."""
    if a == b:
        return True
    if min(len(a), len(b)) < LONG_TOKEN or a[0] != b[0]:
        return False
    limit = 2 if min(len(a), len(b)) >= TWO_EDIT_TOKEN else 1
    return Levenshtein.distance(a, b, score_cutoff=limit) <= limit


def names_match(a: str, b: str) -> bool:
    """Whether two names (or slugs) can name one entity: same words, a surname/short form, or a spelling variant.

    "putin" ~ "vladimir-putin", "zelensky" ~ "volodymyr-zelenskyy", but "john-smith" !~ "jane-smith".
    """
    return name_words_match(name_tokens(a), name_tokens(b))


def name_words_match(ta: Sequence[str], tb: Sequence[str]) -> bool:
    """:func:`names_match` of two names' :func:`name_tokens` (for callers that compare each name many times)."""
    if not ta or not tb:
        return False
    if len(ta) == len(tb):
        return all(tokens_match(x, y) for x, y in zip(ta, tb, strict=True))
    short, long = (ta, tb) if len(ta) < len(tb) else (tb, ta)
    if len(short) == 1:
        return tokens_match(short[0], long[-1]) or (len(long) >= 3 and tokens_match(short[0], long[0]))
    # "Kim Jong Un" vs "Jong Un"? Only a trailing match of every short token counts.
    return all(tokens_match(x, y) for x, y in zip(short, long[-len(short) :], strict=True))


def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a name or an entity id that :func:`names_match` compares (honorifics and corporate suffixes out)."""
    name = name.split(":", 1)[-1]
    tokens = [t for t in _SLUG.sub(" ", name.lower().translate(_JOINERS)).split() if t not in HONORIFICS]
    while len(tokens) > 1 and tokens[-1] in CORPORATE_SUFFIXES:
        tokens.pop()
    return tuple(tokens)


@dataclass(frozen=True)
class CanonicalEntities:
    """The article's canonical entities and, for every token inside a kept mention, its entity id."""

    entities: list[Entity]
    token_ids: dict[int, str]
    labels: dict[str, str] = field(default_factory=dict)  # entity id -> label
    roles: dict[int, str] = field(default_factory=dict)  # token index -> role key of that mention
    names: dict[str, str] = field(default_factory=dict)  # entity id -> display name

    @property
    def roles_by_entity(self) -> dict[str, str]:
        """Entity id -> its most telling role: one that names a single office first, then the longest."""
        out: dict[str, str] = {}
        for e in self.entities:
            if e.roles:
                out[e.id] = max(e.roles, key=lambda r: (role_is_specific(r), len(r), r))
        return out


@dataclass
class _Mention:
    span: Span
    name: str
    label: str
    role: str | None
    regnal: str | None


def _name_part(span: Span) -> list[Token]:
    """The tokens of a mention that make its name: determiners and a possessive at either end left out.

    At an end it goes ("Putin's" is Putin); inside a name it belongs to it ("Children's Hospital",
    "Harris County Sheriff's Office"), and dropping it there glued the words together ("ChildrenHospital").
    """
    tokens = [t for t in span if t.pos_ != "DET"]
    while tokens and tokens[-1].text in _POSSESSIVE:
        tokens.pop()
    while tokens and tokens[0].text in _POSSESSIVE:  # a span that starts at the possessive ("'s Office")
        tokens.pop(0)
    return tokens


def _clean(span: Span) -> tuple[str, str | None, int]:
    """Name without determiners, end possessives and leading titles; the regnal title if one led; tokens dropped."""
    tokens = _name_part(span)
    regnal = None
    dropped = 0
    while len(tokens) > 1 and tokens[0].lower_.rstrip(".") in TITLES:
        word = tokens[0].lower_.rstrip(".")
        if word in REGNAL_TITLES:
            regnal = tokens[0].text
        tokens = tokens[1:]
        dropped += 1
    name = "".join(t.text_with_ws for t in tokens[:-1]) + tokens[-1].text if tokens else ""
    name = " ".join(name.split()).strip(" -,")
    if (name.isupper() and len(name) > 4 and " " not in name) or (name.isupper() and len(name.split()) > 1):
        name = name.title()  # datelines and headlines in capitals: "DAYTON" is Dayton (not "NATO", "AFP")
    return name, regnal, dropped


def _role(span: Span, inner_titles: Sequence[Token]) -> tuple[str | None, str | None]:
    """The title in front of a person ("U.S. President", "North Korean leader") as a role key, and a regnal title."""
    words: list[str] = [t.lower_.replace(".", "") for t in inner_titles]
    regnal = None
    i = span.start - 1
    doc = span.doc
    seen_title = any(w in TITLES for w in words)
    while i >= 0 and span.start - i <= 5:
        tok = doc[i]
        low = tok.lower_.rstrip(".")
        if (low in TITLES and tok.is_alpha) or tok.lower_ in {"vice", "prime"}:
            seen_title = True
            if low in REGNAL_TITLES and regnal is None:
                regnal = tok.text
        elif not (
            tok.ent_type_ in {"NORP", "GPE", "ORG"}
            or (
                # lowercase words of the office ("security chief", "harbor master"),
                # capitalized only as a sentence's first word
                tok.pos_ in {"NOUN", "PROPN", "ADJ"}
                and tok.is_alpha
                and seen_title
                and (tok.is_lower or tok.is_sent_start)
            )
        ):
            break
        words.insert(0, tok.lower_.replace(".", ""))
        i -= 1
    words = [w for w in words if w not in HONORIFICS]
    if not seen_title or not words:
        return None, regnal
    return " ".join(words), regnal


def role_is_specific(role: str | None) -> bool:
    """A role that one person holds at a time: an office with its country or body, or a unique title."""
    if not role:
        return False
    words = role.split()
    if role in UNIQUE_TITLES or words[-1] in UNIQUE_TITLES:
        return True
    return len(words) >= 2 and words[0] not in TITLES


_FUNCTION_WORDS = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "i", "you", "and",
     "or", "of", "in", "on", "at", "to", "for", "by", "with"}
)  # fmt: skip
_STANCE = re.compile(r"^(?:pro|anti|non|post|pre|ex)-", re.I)


def _not_a_name(name: str) -> bool:
    """A title or office word alone ("Sgt", "Sheriff", "Police"), a time zone ("GMT"), a function word ("the"),
    or a stance on a name ("pro-US", "anti-Kremlin": an adjective, not the country): the model's NER takes them for
    names, but they name no one."""
    words = name.lower().replace(".", " ").split()
    return (
        all(w in TITLES for w in words)
        or name.upper() in TIME_ZONES
        or all(w in _FUNCTION_WORDS for w in words)
        or bool(_STANCE.match(name))
    )


_COMMON_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV"})


def _first_line_end(doc: Doc) -> int:
    """The index of the first token after the doc's first line (the headline), or len(doc)."""
    for tok in doc:
        if "\n" in tok.text or "\n" in tok.whitespace_:
            return tok.i + 1
    return len(doc)


def _capitalized_common_word(span: Span, title_end: int, written_lower: set[int], lower_anywhere: set[int]) -> bool:
    """Common words that look like a name only because of where they stand: a mention whose capitals say nothing
    (in the headline, or one word first in its sentence) made of words the article writes in lowercase
    elsewhere ("Arson Suspected In Church Fire" when the text says "arson is suspected"). A capital in
    mid-sentence ("Apple said") is evidence of a name and keeps it; so does a word of a longer name in the text."""
    words = [t for t in span if t.is_alpha]
    if not words:
        return False
    if not all(w.lower in written_lower for w in words):
        # A line that is nothing but the mention ("Full Story", a link's text) of words the text writes in
        # lowercase: no name, even though the mention itself is a longer "name".
        return _alone_on_its_line(span) and all(w.lower in lower_anywhere for w in words)
    if span.end <= title_end:
        return True
    # One word first in its sentence, or a line that is nothing but the mention.
    return (len(words) == 1 and bool(words[0].is_sent_start)) or _alone_on_its_line(span)


def _alone_on_its_line(span: Span) -> bool:
    doc = span.doc
    after = span.end
    while after < len(doc) and doc[after].is_space:
        after += 1
    return bool(span[0].is_sent_start) and (after == len(doc) or bool(doc[after].is_sent_start))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w matches


def name_spans(name: str, text: str, *, fold: bool = False) -> list[tuple[int, int]]:
    """Where ``text`` names ``name`` as a whole word or words, no word character on either side (``fold``: in any
    case). Plain string search: a regex built for each name would be compiled anew for nearly every name of every
    article."""
    hay, needle = (text.lower(), name.lower()) if fold else (text, name)
    if not needle or len(hay) != len(text) or len(needle) != len(name):  # (lower() changed a length: rare scripts)
        flags = re.I if fold else 0
        return [m.span() for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags)]
    out: list[tuple[int, int]] = []
    at = hay.find(needle)
    while at >= 0:
        end = at + len(needle)
        if (at == 0 or not _is_word(text[at - 1])) and (end == len(text) or not _is_word(text[end])):
            out.append((at, end))
            at = hay.find(needle, end)
        else:
            at = hay.find(needle, at + 1)
    return out


_COMMON_POS_IDS = numpy.array([NOUN, VERB, ADJ, ADV], dtype=numpy.uint64)  # _COMMON_POS as symbols


def _lowercase_common_words(doc: Doc, start: int) -> set[int]:
    """The LOWER ids of the words from ``start`` on written in lowercase as nouns, verbs, adjectives or adverbs
    (from the Doc's attribute arrays: no Token object per word)."""
    if start >= len(doc):
        return set()
    arr = doc.to_array([LOWER, IS_LOWER, IS_ALPHA, POS])[start:]
    keep = (arr[:, 1] != 0) & (arr[:, 2] != 0) & numpy.isin(arr[:, 3], _COMMON_POS_IDS)
    return {int(x) for x in arr[keep, 0]}


def canonicalize_entities(doc: Doc) -> CanonicalEntities:
    """Group the doc's entity mentions into canonical entities (deterministic)."""
    mentions: list[_Mention] = []
    title_end = _first_line_end(doc)
    # Words the text below the headline uses as common words (in lowercase), minus the words of its longer
    # names ("Felt" is Mark Felt's surname however often the text says "felt"). A headline alone has none.
    written_lower = _lowercase_common_words(doc, title_end)
    lower_anywhere = set(written_lower)
    written_lower -= {t.lower for span in doc.ents if len(span) > 1 and span.start >= title_end for t in span}
    for span in doc.ents:
        if span.label_ not in ENTITY_LABELS or not any(t.is_alpha for t in span):
            continue
        if _capitalized_common_word(span, title_end, written_lower, lower_anywhere):
            continue
        name, regnal_inside, dropped = _clean(span)
        if not name or not any(c.isalpha() for c in name) or _not_a_name(name):
            continue
        role, regnal_before = (None, None)
        if span.label_ == "PERSON" or dropped:
            role, regnal_before = _role(span, list(span[:dropped]))
        mentions.append(_Mention(span, name, _label(span), role, regnal_inside or regnal_before))
    if not mentions:
        return CanonicalEntities([], {})

    # Headline noise ("Putin Talk", "Russia Vows"): a name seen once, made of a name seen on its own
    # elsewhere followed by common words (not proper nouns), is cut back to that name.
    counts = Counter(m.name for m in mentions)
    for m in mentions:
        tokens = _name_part(m.span)
        if (
            len(tokens) >= 2
            and counts[m.name] == 1
            and counts.get(tokens[0].text, 0) >= 1
            and all(t.pos_ in {"NOUN", "VERB", "ADJ", "AUX"} for t in tokens[1:])
        ):
            m.name = tokens[0].text

    # One label per name: majority vote; a bare surname of a PERSON is a PERSON.
    votes: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        votes[m.name][m.label] += 1
    person_tokens = {w for m in mentions if m.label == "PERSON" for w in m.name.split()[1:]}
    label_of: dict[str, str] = {}
    for name, vote in votes.items():
        best = min(vote.items(), key=lambda kv: (-kv[1], _LABEL_PREFERENCE.get(kv[0], 9)))[0]
        if best != "PERSON" and len(name.split()) == 1 and name in person_tokens and best in {"ORG", "GPE", "NORP"}:
            best = "PERSON"
        label_of[name] = best
    for m in mentions:
        m.label = label_of[m.name]

    # Union the distinct names: short forms and spelling variants join the fullest matching name.
    distinct = sorted({(m.label, m.name) for m in mentions}, key=lambda ln: (-len(ln[1].split()), -len(ln[1]), ln))
    parent: dict[tuple[str, str], tuple[str, str]] = {}
    for key in distinct:
        label, name = key
        parent[key] = key
        candidates = [
            other for other in distinct
            if other in parent and other != key and other[0] == label and parent[other] == other
            and _can_join(name, other[1], label)
        ]  # fmt: skip
        if candidates:
            # Several full names contain this short form: take the one whose last word it is, then the most mentioned.
            candidates.sort(
                key=lambda o: (not tokens_match(name.split()[-1].lower(), o[1].split()[-1].lower()), -counts[o[1]], o)
            )
            if len(name.split()) < len(candidates[0][1].split()) or len(candidates) == 1:
                parent[key] = candidates[0]

    groups: defaultdict[tuple[str, str], list[_Mention]] = defaultdict(list)
    for m in mentions:
        groups[parent[(m.label, m.name)]].append(m)
    # NER misses some repeats of a surname it found elsewhere ("Boluarte later spoke ..."): a capitalized token
    # spelled like a one-word name of exactly one person or organization is that entity too.
    covered = {t.i for m in mentions for t in m.span}
    short_forms: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for key, members in groups.items():
        if key[0] in {"PERSON", "ORG"}:
            for m in members:
                words = m.name.split()
                if len(words) == 1 or key[0] == "PERSON":
                    short_forms[words[-1]].add(key)
    extra: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
    wanted = frozenset(get_string_id(w) for w, owners in short_forms.items() if len(owners) == 1 and w[:1].isupper())
    for tok in _tokens_with_orth(doc, wanted):
        if tok.i not in covered and tok.pos_ in {"PROPN", "NOUN"}:
            owners = short_forms.get(tok.text)
            if owners is not None and len(owners) == 1:
                extra[next(iter(owners))].append(tok.i)

    entities: list[Entity] = []
    token_ids: dict[int, str] = {}
    labels: dict[str, str] = {}
    roles_by_token: dict[int, str] = {}
    names: dict[str, str] = {}
    for (label, canonical), members in sorted(groups.items()):
        regnal = next((m.regnal for m in members if m.regnal), None)
        display = f"{regnal} {canonical}" if regnal and not canonical.startswith(regnal) else canonical
        eid = f"{label.lower()}:{entity_slug(canonical)}"
        roles = sorted({m.role for m in members if m.role})
        if regnal and not roles:
            roles = [regnal.lower()]
        aliases = {m.name for m in members} | ({display} if display != canonical else set())
        entities.append(
            Entity(
                id=eid,
                name=display,
                label=label,
                mentions=len(members) + len(extra[(label, canonical)]),
                aliases=sorted(aliases),
                roles=roles,
            )
        )
        labels[eid] = label
        names[eid] = display
        for i in extra[(label, canonical)]:
            token_ids[i] = eid
        for m in members:
            kept = set(m.name.split())
            for tok in m.span:
                if tok.text in kept or (tok.pos_ == "PROPN" and tok.text not in TITLES):
                    token_ids[tok.i] = eid
            role = m.role or (regnal.lower() if regnal else None)
            if role:
                roles_by_token[m.span.root.i] = role
    merged = _merge_same_ids(entities)
    return CanonicalEntities(merged, token_ids, labels, roles_by_token, names)


def _label(span: Span) -> str:
    """The mention's label; a name followed by "police" ("Greenacres police told CBS4") is a town's, whatever the
    tagger called it: one report's ORG and the next one's GPE must be one entity."""
    after = span.doc[span.end] if span.end < len(span.doc) else None
    if span.label_ in {"ORG", "PERSON"} and after is not None and after.text == "police" and span[0].is_title:
        return "GPE"
    return span.label_


def _tokens_with_orth(doc: Doc, ids: frozenset[int]) -> list[Token]:
    """Tokens spelled like one of ``ids``, found on the Doc's array (no Token object per word)."""
    if not ids:
        return []
    column = doc.to_array("ORTH")
    hits = numpy.flatnonzero(numpy.isin(column, numpy.fromiter(ids, dtype=numpy.uint64, count=len(ids))))
    return [doc[int(i)] for i in hits]


def _can_join(name: str, full: str, label: str) -> bool:
    """A short form joins a fuller name: any person's surname; for other labels only the same words."""
    if label == "PERSON" or len(name_tokens(name)) == len(name_tokens(full)):
        return names_match(name, full)
    return False


def _merge_same_ids(entities: Iterable[Entity]) -> list[Entity]:
    """Two groups that slug to the same id ("U.S." / "US") are one entity."""
    by_id: dict[str, Entity] = {}
    for e in entities:
        prev = by_id.get(e.id)
        if prev is None:
            by_id[e.id] = e
        else:
            by_id[e.id] = prev.model_copy(update={
                "mentions": prev.mentions + e.mentions,
                "aliases": sorted(set(prev.aliases) | set(e.aliases)),
                "roles": sorted(set(prev.roles) | set(e.roles)),
                "name": max(prev.name, e.name, key=lambda n: (len(n), n)),
            })  # fmt: skip
    return [by_id[k] for k in sorted(by_id)]
