"""Every language, over HTTP: items in many languages in one source, each found by a natural query
in its language (inflected forms where a stemmer exists, substrings without spaces in CJK), stop
words matching nothing, English as before, and a source's default language."""

import pytest

from tests.e2e.conftest import push, run_and_apply

# One source, many languages. Some items declare their language, the others are detected.
ITEMS = {
    "refunds-en": ("Refund policy", "Refunds are processed within 14 days of receiving the returned item.", None),
    "shipping-en": ("Shipping times", "Standard shipping takes 3 to 5 business days; express arrives next day.", None),
    "rueckgabe-de": (
        "Rückgabe",
        "Die Rückerstattungen werden innerhalb von vierzehn Tagen bearbeitet, nachdem wir die Artikel erhalten haben.",
        "de-DE",
    ),
    "retours-fr": (
        "Retours",
        "Les remboursements sont effectués dans les quatorze jours suivant la réception des articles retournés.",
        None,
    ),
    "devoluciones-es": (
        "Devoluciones",
        "Los reembolsos se procesan dentro de los catorce días posteriores a la recepción de los artículos.",
        "es",
    ),
    "vozvrat-ru": (
        "Возврат",
        "Возвраты средств обрабатываются в течение четырнадцати дней после получения возвращённых товаров.",
        None,
    ),
    "tuikuan-zh": ("退款政策", "退款将在收到退回物品后的十四天内处理。", None),
    "henkin-ja": ("返金について", "返金は返品を受け取ってから十四日以内に処理されます。", "ja"),
    "hwanbul-ko": ("환불 정책", "환불은 반품된 상품을 받은 후 14일 이내에 처리됩니다.", "ko"),
}


@pytest.fixture(scope="module")
def world(api):
    key = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "languages", "scope": "write"}).json()["secret"]
    mixed = api.call("POST", "/v1/sources", key, {"name": "Every language"}).json()["source"]["id"]
    for item_id, (title, content, language) in ITEMS.items():
        fields = {"title": title} | ({"language": language} if language else {})
        assert push(api, key, mixed, item_id, content, **fields).status_code in (200, 201)
    german = api.call("POST", "/v1/sources", key, {"name": "Hilfe", "language": "de"})
    assert german.status_code == 201, german.text
    assert german.json()["source"]["language"] == "de"
    german_id = german.json()["source"]["id"]
    content = "Unsere Katzen schlafen gern in der Sonne."
    assert push(api, key, german_id, "katzen", content, title="Haustiere").status_code in (200, 201)
    for source in (mixed, german_id):
        assert run_and_apply(api, key, source)[1]["status"] == "published"
    return {"api": api, "key": key, "mixed": mixed, "german": german_id}


def search(world, query, source="mixed", **options):
    body = {"query": query, "sourceIds": [world[source]], "mode": "keyword", **options}
    reply = world["api"].call("POST", "/v1/search", world["key"], body)
    assert reply.status_code == 200, reply.text
    return [result["item"]["externalItemId"] for result in reply.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Rückerstattung bearbeiten", "rueckgabe-de"),  # singular and infinitive of what the item says
        ("remboursement effectué", "retours-fr"),
        ("reembolso procesado", "devoluciones-es"),
        ("возврат товара", "vozvrat-ru"),
        ("退款", "tuikuan-zh"),  # a word inside a sentence without spaces
        ("返金", "henkin-ja"),
        ("환불", "hwanbul-ko"),
    ],
)
def test_a_query_in_an_items_language_finds_it_first(world, query, expected):
    assert search(world, query)[0] == expected


def test_a_query_that_names_its_language_is_analysed_as_that_language(world):
    assert search(world, "Rückerstattungen", language="de")[0] == "rueckgabe-de"
    assert search(world, "十四天", language="zh")[0] == "tuikuan-zh"


@pytest.mark.parametrize(("query", "language"), [("die werden von", "de"), ("les des dans", "fr"), ("los de la", "es")])
def test_stop_words_match_nothing(world, query, language):
    assert search(world, query, language=language) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [("how long does a refund take", "refunds-en"), ("standard shipping business days", "shipping-en")],
)
def test_english_queries_rank_as_before_among_other_languages(world, query, expected):
    assert search(world, query)[0] == expected


def test_a_sources_default_language_analyses_items_that_give_none(world):
    # German stemming makes "Katze" and "Katzen" one term; English analysis keeps "katzen" as it is.
    assert search(world, "Katze", source="german") == ["katzen"]
    assert search(world, "Katzen", source="german", language="en") == []


def test_an_answer_is_found_in_the_questions_language(world):
    reply = world["api"].call(
        "POST", "/v1/query", world["key"], {"query": "退款需要多久", "sourceIds": [world["mixed"]]}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["found"] is True
    assert reply.json()["sources"][0]["externalItemId"] == "tuikuan-zh"


@pytest.mark.parametrize("language", ["deutsch!", "", "x" * 40])
def test_a_malformed_language_is_refused(world, language):
    body = {"query": "Katze", "sourceIds": [world["german"]], "language": language}
    reply = world["api"].call("POST", "/v1/search", world["key"], body)
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
