"""The web page in a real headless browser (Debian's chromium through Selenium) against a real server on
loopback over a stand-in model that answers each word reversed and upper-cased, slowly enough to watch the
translation stream in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from documents.flip import FlipEngine

from .browser import chromium, need_browser, wait_for
from .conftest import Running, _wait_healthy, running

pytestmark = pytest.mark.browser

SENTENCE = "Press the red button and wait for the green light to come on."
FLIPPED = "SSERP EHT DER NOTTUB DNA TIAW ROF EHT NEERG THGIL OT EMOC NO."


@pytest.fixture(scope="module")
def live() -> Iterator[Running]:
    need_browser()
    engine = FlipEngine()
    engine.delay = 0.06  # seconds a word: the page must show text before the whole sentence is done
    with running(lambda _: engine) as server:
        _wait_healthy(server)
        yield server


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Any]:
    with chromium(downloads) as driver:
        yield driver


def by_id(driver: Any, ident: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, ident)


def choose(driver: Any, ident: str, code: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(by_id(driver, ident)).select_by_value(code)


def open_page(driver: Any, url: str) -> None:
    driver.get(url + "/")
    driver.execute_script("localStorage.clear(); sessionStorage.clear();")
    driver.refresh()
    wait_for(
        lambda: len(by_id(driver, "target-lang").find_elements("tag name", "option")) == 205, "languages"
    )


def test_a_sentence_streams_into_the_translation_box(browser: Any, live: Running) -> None:
    open_page(browser, live.url)
    choose(browser, "source-lang", "eng_Latn")
    choose(browser, "target-lang", "fra_Latn")
    by_id(browser, "source-text").send_keys(SENTENCE)
    assert by_id(browser, "char-count").text == f"{len(SENTENCE)} characters"
    # Every value the translation box takes, sampled by the page itself (a round trip per sample is too slow).
    browser.execute_script(
        "window.seen = []; setInterval(() => { const v = document.getElementById('target-text').value;"
        " if (v && window.seen.at(-1) !== v) window.seen.push(v); }, 10);"
    )
    by_id(browser, "translate-button").click()
    wait_for(lambda: by_id(browser, "target-text").get_property("value") == FLIPPED, "the translation")
    seen = browser.execute_script("return window.seen")
    partial = [value for value in seen if value != FLIPPED]
    assert partial and all(FLIPPED.startswith(value) for value in partial), seen
    wait_for(lambda: by_id(browser, "translation-status").text == "Done.", "the end of the stream")
    assert "fake" in by_id(browser, "server-status").text
    assert [o.text for o in by_id(browser, "model-select").find_elements("tag name", "option")] == [
        "fake",
        "other",
    ]


def test_languages_are_searchable_swap_and_right_to_left_ones_read_right_to_left(
    browser: Any, live: Running
) -> None:
    open_page(browser, live.url)
    assert by_id(browser, "source-lang").get_property("value") == "auto"
    search = by_id(browser, "target-search")
    search.send_keys("deutsch")
    wait_for(lambda: by_id(browser, "target-lang").get_property("value") == "deu_Latn", "German chosen")
    for typed, code in (
        ("pt", "por_Latn"),
        ("farsi", "pes_Arab"),
        ("arabic", "arb_Arab"),
        ("日本", "jpn_Jpan"),
    ):
        search.clear()
        search.send_keys(typed)
        wait_for(
            lambda code=code: by_id(browser, "target-lang").get_property("value") == code,
            f"{typed} -> {code}",
        )
    search.clear()
    search.send_keys("klingon")
    wait_for(
        lambda: by_id(browser, "target-search-hint").text == 'No language matches "klingon".', "no match"
    )
    # Nothing matches: back to the language chosen before this search began.
    assert by_id(browser, "target-lang").get_property("value") == "jpn_Jpan"
    search.clear()
    search.send_keys("hebrew")
    wait_for(lambda: by_id(browser, "target-lang").get_property("value") == "heb_Hebr", "Hebrew chosen")
    assert by_id(browser, "target-text").get_attribute("dir") == "rtl"
    assert by_id(browser, "source-text").get_attribute("dir") == "auto"
    by_id(browser, "source-text").send_keys("Good morning, how are you today? I hope the weather stays fine.")
    detected = wait_for(lambda: by_id(browser, "detected").text, "the detected language")
    assert detected.startswith("Detected: English (") and detected.endswith("%)")
    by_id(browser, "swap-button").click()
    assert by_id(browser, "source-lang").get_property("value") == "heb_Hebr"
    assert by_id(browser, "target-lang").get_property("value") == "eng_Latn"
    assert by_id(browser, "source-text").get_attribute("dir") == "rtl"
    assert by_id(browser, "target-text").get_attribute("dir") == "ltr"


def test_a_markdown_file_is_uploaded_and_its_translation_downloaded(
    browser: Any, live: Running, tmp_path: Path, downloads: Path
) -> None:
    open_page(browser, live.url)
    choose(browser, "source-lang", "eng_Latn")
    choose(browser, "target-lang", "fra_Latn")
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nPress the *red* button.\n\n```\nkeep = this\n```\n", encoding="utf-8")
    by_id(browser, "tab-files").click()
    by_id(browser, "file-input").send_keys(str(notes))
    by_id(browser, "file-translate-button").click()
    link = wait_for(
        lambda: by_id(browser, "file-download").is_displayed() and by_id(browser, "file-download"), "the link"
    )
    assert link.text == "Download notes.fr.md"
    assert by_id(browser, "file-status").text == "Translated notes.md: 2 segments."
    link.click()
    saved = downloads / "notes.fr.md"
    wait_for(lambda: saved.exists() and saved.stat().st_size > 0, "the download")
    assert (
        saved.read_text(encoding="utf-8") == "# SETON\n\nSSERP EHT *DER* NOTTUB.\n\n```\nkeep = this\n```\n"
    )


def test_a_refused_request_is_a_readable_message(browser: Any, live: Running, tmp_path: Path) -> None:
    open_page(browser, live.url)
    by_id(browser, "translate-button").click()
    assert by_id(browser, "error-text").text == "Type or paste a text to translate first."
    broken = tmp_path / "page.html"
    broken.write_text("<p>Hello </b>", encoding="utf-8")
    by_id(browser, "tab-files").click()
    by_id(browser, "file-input").send_keys(str(broken))
    by_id(browser, "file-translate-button").click()
    message = wait_for(
        lambda: "broken HTML" in by_id(browser, "error-text").text and by_id(browser, "error-text").text,
        "the error",
    )
    assert message.startswith("page.html: line 1, column")
    assert by_id(browser, "error-banner").is_displayed()
    by_id(browser, "error-close").click()
    assert not by_id(browser, "error-banner").is_displayed()


def test_the_key_is_asked_once_kept_for_the_session_and_a_wrong_one_explained(
    browser: Any, downloads: Path
) -> None:
    engine = FlipEngine()
    with running(lambda _: engine, api_key="sesame") as keyed:
        _wait_healthy(keyed)
        browser.get(keyed.url + "/")
        browser.execute_script("localStorage.clear(); sessionStorage.clear();")
        browser.refresh()
        dialog = wait_for(
            lambda: by_id(browser, "key-dialog").is_displayed() and by_id(browser, "key-dialog"), "dialog"
        )
        by_id(browser, "api-key-input").send_keys("wrong")
        by_id(browser, "api-key-save").click()
        # The models list is refused with the wrong key: the dialog asks again, saying why.
        wait_for(
            lambda: "not accepted" in by_id(browser, "key-reason").text and dialog.is_displayed(),
            "asked again",
        )
        assert by_id(browser, "key-reason").text == "That key was not accepted. Enter the server's API key."
        by_id(browser, "api-key-input").clear()
        by_id(browser, "api-key-input").send_keys("sesame")
        by_id(browser, "api-key-save").click()
        wait_for(lambda: by_id(browser, "model-select").find_elements("tag name", "option"), "the models")
        assert browser.execute_script("return sessionStorage.getItem('bayling-local.api-key')") == "sesame"
        choose(browser, "target-lang", "fra_Latn")
        by_id(browser, "source-text").send_keys("Hello")
        by_id(browser, "translate-button").click()
        wait_for(lambda: by_id(browser, "target-text").get_property("value") == "OLLEH", "the translation")
        browser.refresh()  # the same tab keeps the key: no dialog
        wait_for(
            lambda: by_id(browser, "model-select").find_elements("tag name", "option"), "the models again"
        )
        assert not by_id(browser, "key-dialog").is_displayed()


def test_a_session_glossary_is_sent_and_the_page_shows_which_terms_were_used(
    browser: Any, tmp_path: Path
) -> None:
    from glossary.terms_fake import TermEngine

    engine = TermEngine("always")
    with running(lambda _: engine) as live:
        _wait_healthy(live)
        open_page(browser, live.url)
        choose(browser, "source-lang", "eng_Latn")
        choose(browser, "target-lang", "fra_Latn")
        terms = tmp_path / "terms.tsv"
        terms.write_text("en\tfr\npump\tpomparelle\nvalve\tvannette\n", encoding="utf-8")
        by_id(browser, "glossary-box").click()  # opens the <details>
        by_id(browser, "glossary-input").send_keys(str(terms))
        wait_for(
            lambda: by_id(browser, "glossary-status").text == "Using terms.tsv (2 terms: English, French).",
            "loaded",
        )
        by_id(browser, "source-text").send_keys("Start the pump.")
        by_id(browser, "translate-button").click()
        wait_for(lambda: by_id(browser, "translation-status").text == "Done.", "the translation")
        assert by_id(browser, "target-text").get_property("value") == "TRATS EHT pomparelle."
        used = [item.text for item in by_id(browser, "terms-used").find_elements("tag name", "li")]
        assert used == ["✓ pump → pomparelle: used 1 of 1"]
        browser.refresh()  # kept for the session
        status = by_id(browser, "glossary-status")
        wait_for(
            lambda: status.get_property("textContent") == "Using terms.tsv (2 terms: English, French).",
            "kept",
        )
        by_id(browser, "glossary-box").click()
        by_id(browser, "glossary-clear").click()
        assert by_id(browser, "glossary-status").text == "No glossary."
        bad = tmp_path / "bad.tsv"
        bad.write_text("just one word\n", encoding="utf-8")
        by_id(browser, "glossary-input").send_keys(str(bad))
        message = wait_for(lambda: by_id(browser, "error-text").text, "the refusal")
        assert message.startswith("bad.tsv cannot be used as a glossary: ")
        assert by_id(browser, "glossary-status").text == "No glossary."


def test_every_control_has_a_label_and_the_keyboard_reaches_everything(browser: Any, live: Running) -> None:
    from selenium.webdriver.common.keys import Keys

    open_page(browser, live.url)
    unlabelled = browser.execute_script(
        "return [...document.querySelectorAll('input, select, textarea, button')].filter(e =>"
        " !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.id)"
    )
    assert unlabelled == []
    tab = by_id(browser, "tab-text")
    tab.click()
    tab.send_keys(Keys.ARROW_RIGHT)
    assert browser.switch_to.active_element.get_attribute("id") == "tab-files"
    assert by_id(browser, "files-panel").is_displayed() and not by_id(browser, "text-panel").is_displayed()
    browser.switch_to.active_element.send_keys(Keys.ARROW_LEFT)
    choose(browser, "target-lang", "fra_Latn")
    source = by_id(browser, "source-text")
    source.send_keys("Hello")
    source.send_keys(Keys.CONTROL, Keys.ENTER)  # Ctrl+Enter translates
    wait_for(lambda: by_id(browser, "target-text").get_property("value") == "OLLEH", "the translation")


def test_stop_ends_a_translation_and_the_next_one_starts_clean(browser: Any, live: Running) -> None:
    open_page(browser, live.url)
    choose(browser, "source-lang", "eng_Latn")
    choose(browser, "target-lang", "fra_Latn")
    source = by_id(browser, "source-text")
    source.send_keys(" ".join(["Press the red button."] * 12))
    by_id(browser, "translate-button").click()
    wait_for(lambda: by_id(browser, "target-text").get_property("value"), "the first words")
    by_id(browser, "stop-button").click()
    wait_for(lambda: by_id(browser, "translation-status").text.startswith("Stopped"), "stopped")
    assert "unfinished" in by_id(browser, "translation-status").text
    wait_for(lambda: live.state.pool.in_flight == 0, "the server to stop translating")
    source.clear()
    source.send_keys("Hello")
    by_id(browser, "translate-button").click()
    wait_for(lambda: by_id(browser, "translation-status").text == "Done.", "the next translation")
    assert by_id(browser, "target-text").get_property("value") == "OLLEH"
    assert not by_id(browser, "stop-button").is_displayed()


def test_a_chat_streams_its_answer(browser: Any, live: Running) -> None:
    from selenium.webdriver.common.keys import Keys

    open_page(browser, live.url)
    by_id(browser, "tab-chat").click()
    box = by_id(browser, "chat-input")
    box.send_keys("Hello there")
    box.send_keys(Keys.ENTER)
    wait_for(lambda: not by_id(browser, "chat-stop").is_displayed(), "the end of the answer")
    answers = [e.text for e in browser.find_elements("css selector", ".message.assistant")]
    assert answers == ["OLLEH EREHT"]
    assert [e.text for e in browser.find_elements("css selector", ".message.user")] == ["Hello there"]
    by_id(browser, "chat-clear").click()
    assert browser.find_elements("css selector", ".message") == []
    box.send_keys("Good night", Keys.ENTER)
    wait_for(lambda: not by_id(browser, "chat-stop").is_displayed(), "the second answer")
    assert [e.text for e in browser.find_elements("css selector", ".message")] == ["Good night", "DOOG THGIN"]


def test_on_a_phone_sized_window_the_boxes_stack_and_stay_usable(live: Running, downloads: Path) -> None:
    with chromium(downloads, width=390, height=844) as phone:
        open_page(phone, live.url)
        source, target = by_id(phone, "source-text"), by_id(phone, "target-text")
        assert source.rect["y"] + source.rect["height"] <= target.rect["y"], "the boxes should stack"
        width = phone.execute_script("return document.documentElement.clientWidth")
        scroll = phone.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, "nothing should stick out sideways"
        assert source.rect["width"] > 300


@pytest.mark.slow
def test_the_real_built_in_model_streams_a_translation_into_the_page(
    browser: Any, builtin_model_path: Path
) -> None:
    from bayling_local.config import RuntimeConfig
    from bayling_local.llama.engine import Engine

    def load(_name: str) -> Engine:
        return Engine(builtin_model_path, RuntimeConfig(), "builtin", slots=2)

    with running(load, known=["builtin"], models=("builtin",)) as real:
        _wait_healthy(real)
        open_page(browser, real.url)
        choose(browser, "target-lang", "fra_Latn")
        by_id(browser, "source-text").send_keys("The weather is nice today, so we are going to the beach.")
        browser.execute_script(
            "window.seen = []; setInterval(() => { const v = document.getElementById('target-text').value;"
            " if (v && window.seen.at(-1) !== v) window.seen.push(v); }, 5);"
        )
        by_id(browser, "translate-button").click()
        wait_for(lambda: by_id(browser, "translation-status").text == "Done.", "the translation", seconds=120)
        final = by_id(browser, "target-text").get_property("value")
        seen = browser.execute_script("return window.seen")
        assert final.strip() and final != "The weather is nice today, so we are going to the beach."
        assert len(seen) > 2, f"the translation should have arrived in pieces: {seen}"
        assert by_id(browser, "detected").text.startswith("Detected: English (")
