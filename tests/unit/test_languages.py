"""Languages in the keyword index: tags, detection, analysis, and generations from before them."""

import pytest

from kb.search.index import LivePart, SearchIndex, top
from kb.search.languages import detect, normalise
from kb.search.segments import ChunkInput, Segment, build_segment
from kb.search.text import LEGACY, terms
from tests.unit.search_fixtures import item


def found(index: SearchIndex, query: str, language: str | None = None) -> list[str]:
    scores = index.keyword_scores(query, language)
    return [index.items[int(index.chunk_item[c])].item.external_item_id for c, _ in top(scores, 10)]


def index_of(*entries, live=None) -> SearchIndex:
    segment = Segment.from_bytes(build_segment(list(entries)).to_bytes())
    return SearchIndex(
        "src", "gen", [LivePart(segment, live or {e[0].external_item_id: ("h1", None) for e in entries})]
    )


@pytest.mark.parametrize(
    ("tag", "analysis"),
    [("de-AT", "de"), ("pt_BR", "pt"), ("nb", "no"), ("zh-Hant", "zh"), ("EN", "en"), ("sw", "und"), (None, None)],
)
def test_a_language_tag_names_its_analysis(tag, analysis):
    assert normalise(tag) == analysis


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Die Katzen schlafen gern in der Sonne, wenn es warm ist und nicht regnet.", "de"),
        ("Les chats dorment volontiers au soleil quand il fait chaud et qu'il ne pleut pas.", "fr"),
        ("Los gatos duermen al sol cuando hace calor y no llueve, pero también por la noche.", "es"),
        ("Кошки любят спать на солнце, когда тепло.", "ru"),
        ("猫は暖かいときに日なたで寝るのが好きです。", "ja"),
        ("猫喜欢在温暖的时候晒太阳睡觉。", "zh"),
        ("고양이는 따뜻할 때 햇볕에서 자는 것을 좋아합니다.", "ko"),
        ("Cats like to sleep in the sun when it is warm and not raining.", "en"),
        ("Mitochondrial DNA 16S rRNA", "en"),  # no evidence either way: the default
    ],
)
def test_an_items_language_is_detected_from_its_text(text, language):
    assert detect(text) == language


def test_each_language_is_stemmed_and_loses_its_own_stop_words():
    assert terms("Die Rückerstattungen werden bearbeitet", "de") == ["ruckerstatt", "bearbeit"]
    assert terms("Les remboursements sont effectués", "fr") == ["rembours", "effectu"]
    assert terms("The Refunds are PROCESSED quickly", "en") == ["refund", "process", "quick"]


def test_cjk_runs_become_bigrams_and_full_width_letters_fold():
    assert terms("退款政策", "zh") == ["退款", "款政", "政策"]
    assert terms("猫", "ja") == ["猫"]
    assert terms("\uff32\uff25\uff26\uff35\uff2e\uff24\uff33 返金", "en")  # full-width REFUNDS == ["refund", "返金"]


def test_a_segment_records_the_language_each_item_was_analysed_as():
    index = index_of(
        item("de", "Die Katzen schlafen gern in der Sonne, wenn es warm ist.", language="de-CH"),
        item("zh", "猫喜欢在温暖的时候晒太阳睡觉。"),
        item("en", "Cats like to sleep in the sun when it is warm."),
    )
    assert index.analyses == {"de", "zh", "en"}
    assert found(index, "Katze") == ["de"] and found(index, "cat") == ["en"] and found(index, "太阳") == ["zh"]


def test_a_query_in_a_named_language_is_analysed_only_as_that_language():
    index = index_of(item("de", "Unsere Katzen schlafen gern.", language="de"))
    assert found(index, "Katze", "de") == ["de"]
    assert found(index, "Katzen", "en") == []  # English keeps "katzen" whole; the item holds "katz"


def test_a_segment_from_before_languages_keeps_serving_with_the_analysis_it_was_built_with():
    old = build_segment([item("en", "Refunds take 14 days."), item("zh", "退款政策")])
    old.item_languages = None  # what an older build wrote: no itemLanguages
    restored = Segment.from_bytes(old.to_bytes())
    assert restored.item_languages is None
    index = SearchIndex("src", "gen", [LivePart(restored, {"en": ("h1", None), "zh": ("h1", None)})])
    assert index.analyses == {LEGACY}
    assert found(index, "refund") == ["en"]
    assert index.query_terms("退款政策") == [("退款政策", 1)]  # a CJK run was one term then


def test_an_items_whole_text_lifts_its_matching_chunks_and_only_those():
    focused = item("focused", "Refund rules.")[0]
    chunks = [
        ChunkInput("c0", 0, "Refund rules."),
        ChunkInput("c1", 1, "A refund is paid back. Every refund takes days."),
        ChunkInput("c2", 2, "Shipping is free."),
    ]
    index = index_of((focused, chunks), item("passing", "Refund rules, and many other things besides."))
    scores = index.keyword_scores("refund rules")
    assert scores[0] > scores[3]  # the same words, but "focused" is about refunds as a whole
    assert scores[2] == 0  # a chunk without the words gets nothing from its item
