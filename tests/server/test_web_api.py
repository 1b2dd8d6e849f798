"""The web page's routes over fake models, through a real server on loopback: the language list, the
streamed translation's events, document jobs with progress and download names, LibreTranslate's
`/translate_file`, the page's own files and their headers."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from importlib import resources

import httpx2 as httpx
import pytest
from documents.flip import FlipEngine

from .conftest import Running, _wait_healthy, running


@pytest.fixture
def flipping() -> Iterator[Running]:
    engine = FlipEngine()
    with running(lambda _: engine) as live:
        _wait_healthy(live)
        yield live


def streamed(live: Running, body: dict[str, object], key: str | None = None) -> list[dict[str, object]]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    with httpx.stream("POST", live.url + "/api/translate", json=body, headers=headers, timeout=30) as answer:
        assert answer.status_code == 200, answer.read()
        assert answer.headers["content-type"].startswith("text/event-stream")
        return [json.loads(line[6:]) for line in answer.iter_lines() if line.startswith("data: ")]


def finished(live: Running, ident: str) -> dict[str, object]:
    deadline = time.monotonic() + 20
    while True:
        job = live.get(f"/api/files/{ident}").json()
        if job["status"] != "running":
            return dict(job)
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def test_the_languages_are_the_205_flores_codes_with_native_names_and_direction(flipping: Running) -> None:
    languages = flipping.get("/api/languages").json()
    assert len(languages) == 205
    by_code = {language["code"]: language for language in languages}
    assert by_code["fra_Latn"] == {
        "code": "fra_Latn",
        "name": "French",
        "native": "Français",
        "libre": "fr",
        "rtl": False,
        "aliases": ["fr", "fra", "fra_latn", "francais", "français", "french"],
    }
    assert "farsi" in by_code["pes_Arab"]["aliases"] and "arabic" in by_code["arb_Arab"]["aliases"]
    names = [language["name"] for language in languages]
    assert names == sorted(names, key=str.casefold)  # listed by name, as people look for them
    assert by_code["heb_Hebr"]["rtl"] and by_code["arb_Arab"]["rtl"] and not by_code["zho_Hans"]["rtl"]


def test_a_translation_streams_drafts_then_each_checked_segment_then_the_whole(flipping: Running) -> None:
    events = streamed(flipping, {"q": "Hello world.\n\nGood morning to you all.", "target": "fr"})
    kinds = [event["event"] for event in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    assert events[0] == {"event": "start", "model": "fake", "segments": 3, "notice": None}
    drafts = [event for event in events if event["event"] == "draft" and event["index"] == 2]
    assert len(drafts) > 1, "the text should arrive piece by piece"
    assert "".join(str(d["text"]) for d in drafts) == "DOOG GNINROM OT UOY LLA."
    segments = [event for event in events if event["event"] == "segment"]
    assert [(s["index"], s["translation"]) for s in segments] == [
        (0, "OLLEH DLROW."),
        (1, ""),
        (2, "DOOG GNINROM OT UOY LLA."),
    ]
    assert kinds.index("segment") > kinds.index("draft")
    done = events[-1]
    assert done["translatedText"] == "OLLEH DLROW.\n\nDOOG GNINROM OT UOY LLA."
    assert done["target"] == "fra_Latn" and done["problems"] == [] and done["terms"] == []
    detected = done["detectedLanguage"]
    assert isinstance(detected, dict) and detected["code"] == "eng_Latn" and detected["name"] == "English"
    assert 50 <= float(detected["confidence"]) <= 100


def test_a_given_source_is_not_detected_and_a_glossary_reports_the_terms_used() -> None:
    from glossary.terms_fake import TermEngine

    honouring = TermEngine("always")
    with running(lambda _: honouring) as live:
        _wait_healthy(live)
        body = {
            "q": "Start the pump.\nStop the pump and the valve.",
            "source": "eng_Latn",
            "target": "fra_Latn",
            "glossary": "en\tfr\npump\tpomparelle\nvalve\tvannette\nfilter\tfiltre\n",
        }
        done = streamed(live, body)[-1]
        assert done["translatedText"] == "TRATS EHT pomparelle.\nPOTS EHT pomparelle DNA EHT vannette."
        assert "detectedLanguage" not in done
        assert done["terms"] == [
            {"source": "pump", "target": "pomparelle", "seen": 2, "used": 2},
            {"source": "valve", "target": "vannette", "seen": 1, "used": 1},
        ]
        tbx = (
            '<?xml version="1.0" encoding="UTF-8"?><martif type="TBX"><text><body><termEntry>'
            '<langSet xml:lang="en"><tig><term>pump</term></tig></langSet>'
            '<langSet xml:lang="fr"><tig><term>pomparelle</term></tig></langSet>'
            "</termEntry></body></text></martif>"
        )
        done = streamed(live, {**body, "q": "Start the pump.", "glossary": tbx})[-1]
        assert done["translatedText"] == "TRATS EHT pomparelle."


def test_refusals_are_plain_http_errors_before_any_stream(flipping: Running) -> None:
    missing = flipping.post("/api/translate", json={"q": "Hello"})
    assert missing.status_code == 400 and "target is required" in missing.json()["error"]
    unknown = flipping.post("/api/translate", json={"q": "Hello", "target": "xx_Nope"})
    assert unknown.status_code == 400
    model = flipping.post("/api/translate", json={"q": "Hello", "target": "fr", "model": "nope"})
    assert model.status_code == 404 and "no model named 'nope'" in model.json()["error"]


def test_a_key_guards_the_pages_routes_but_not_the_page_itself() -> None:
    engine = FlipEngine()
    with running(lambda _: engine, api_key="sesame") as live:
        _wait_healthy(live)
        assert live.get("/").status_code == 200 and live.get("/api/languages").status_code == 200
        assert live.get("/frontend/settings").json()["keyRequired"] is True
        refused = live.post("/api/translate", json={"q": "Hello", "target": "fr"})
        assert refused.status_code == 401 and "API key" in refused.json()["error"]
        upload = live.post("/api/files", files={"file": ("a.md", b"Hi\n")}, data={"target": "fr"})
        assert upload.status_code == 401
        assert streamed(live, {"q": "Hello", "target": "fr"}, key="sesame")[-1]["translatedText"] == "OLLEH"


def test_a_document_job_reports_progress_and_downloads_as_the_name_plus_the_target(flipping: Running) -> None:
    source = b"# Notes\n\nPress the *red* button.\n\n```\ncode stays\n```\n"
    started = flipping.post(
        "/api/files", files={"file": ("../../notes.md", source)}, data={"target": "fr", "source": "en"}
    )
    assert started.status_code == 202
    job = started.json()
    assert job["name"] == "notes.md" and job["total"] == 2 and job["format"] == "markdown"
    done = finished(flipping, str(job["id"]))
    assert done["status"] == "done" and done["done"] == 2 and done["download_name"] == "notes.fr.md"
    download = flipping.get(str(done["download_url"]))
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith('attachment; filename="notes.fr.md"')
    assert download.headers["content-type"].startswith("text/markdown")
    assert download.text == "# SETON\n\nSSERP EHT *DER* NOTTUB.\n\n```\ncode stays\n```\n"
    assert flipping.get("/frontend/settings").json()["filesTranslation"] is True


def test_a_translated_po_names_the_model_as_the_server_does(flipping: Running) -> None:
    po = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Save"\nmsgstr ""\n'
    job = flipping.post("/api/files", files={"file": ("app.pot", po)}, data={"target": "pl"}).json()
    assert finished(flipping, str(job["id"]))["status"] == "done"
    text = flipping.get(f"/api/files/{job['id']}/download").text
    # `fake` is the model's name in /v1/models (the engine calls itself `fake-model`)
    assert "Last-Translator: bayling-local (fake), machine translation" in text
    assert "#. bayling-local: fake\n" in text


def test_a_broken_or_unknown_document_is_refused_at_upload_with_its_place(flipping: Running) -> None:
    broken = flipping.post("/api/files", files={"file": ("page.html", b"<p>Hi </b>")}, data={"target": "de"})
    assert broken.status_code == 400
    assert broken.json()["error"].startswith("page.html: line 1, column")
    unknown = flipping.post("/api/files", files={"file": ("a.pdf", b"%PDF")}, data={"target": "de"})
    assert unknown.status_code == 400 and "supported: .txt" in unknown.json()["error"]
    none = flipping.post("/api/files", data={"target": "de"})
    assert none.status_code == 400 and "file is required" in none.json()["error"]
    gone = flipping.get("/api/files/0123")
    assert gone.status_code == 404 and "upload the file again" in gone.json()["error"]


def test_an_upload_over_the_limit_says_so_and_names_the_flag() -> None:
    engine = FlipEngine()
    with running(lambda _: engine, max_upload_bytes=4096, max_body_bytes=1024) as live:
        _wait_healthy(live)
        big = live.post("/api/files", files={"file": ("a.txt", b"word " * 1000)}, data={"target": "de"})
        assert big.status_code == 413 and "--max-upload" in big.json()["error"]


def test_libretranslate_translate_file_answers_a_download_url(flipping: Running) -> None:
    answer = flipping.post(
        "/translate_file", files={"file": ("hello.html", b"<p>Hi <b>there</b></p>")}, data={"target": "de"}
    )
    assert answer.status_code == 200
    url = answer.json()["translatedFileUrl"]
    assert re.fullmatch(re.escape(flipping.url) + r"/download_file/[0-9a-f]{32}/hello\.de\.html", url)
    assert httpx.get(url).text == "<p>IH <b>EREHT</b></p>"


def test_the_page_and_its_scripts_come_from_the_package_with_a_strict_policy(flipping: Running) -> None:
    page = flipping.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for wanted in (
        "source-lang",
        "target-lang",
        "source-text",
        "target-text",
        "translate-button",
        "file-input",
    ):
        assert f'id="{wanted}"' in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from elsewhere: works offline
    web = resources.files("bayling_local.server").joinpath("web")
    scripts = [item.name for item in web.iterdir() if item.name.endswith(".js")]
    for name in scripts:
        answer = flipping.get(f"/web/{name}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/javascript")
        for imported in re.findall(r'from "\./([\w.]+)"', answer.text):
            assert imported in scripts, f"{name} imports {imported}, which the package lacks"
    assert flipping.get("/web/nothing.js").status_code == 404
    assert flipping.get("/web/..%2Fapp.py").status_code == 404


def test_a_client_that_stops_reading_frees_the_model_and_a_deleted_job_is_cancelled() -> None:
    engine = FlipEngine()
    engine.delay = 0.05
    with running(lambda _: engine) as live:
        _wait_healthy(live)
        long_text = " ".join(["word"] * 200)
        with httpx.stream(
            "POST", live.url + "/api/translate", json={"q": long_text, "target": "fr"}
        ) as answer:
            for line in answer.iter_lines():
                if '"draft"' in line:
                    break  # the user pressed Stop: the page drops the connection
        deadline = time.monotonic() + 10
        while live.state.pool.in_flight:
            assert time.monotonic() < deadline, "the stopped translation still holds the model"
            time.sleep(0.05)
        started = live.post(
            "/api/files", files={"file": ("long.txt", (long_text + "\n").encode() * 3)}, data={"target": "fr"}
        ).json()
        assert live.client_delete(f"/api/files/{started['id']}").status_code == 200
        job = finished(live, str(started["id"]))
        assert job["status"] == "cancelled" and job["error"] == "the translation was cancelled"
        assert live.get(f"/api/files/{started['id']}/download").status_code == 409
        assert live.state.pool.in_flight == 0


def test_the_pages_writes_are_refused_from_another_sites_page(flipping: Running) -> None:
    foreign = {"Origin": "http://evil.example"}
    upload = flipping.post(
        "/api/files", files={"file": ("a.md", b"Hi\n")}, data={"target": "fr"}, headers=foreign
    )
    assert upload.status_code == 403 and "not allowed" in upload.json()["error"]
    assert httpx.delete(flipping.url + "/api/files/x", headers=foreign).status_code == 403
    own = {"Origin": flipping.url}
    assert flipping.post("/api/translate", json={"q": "Hi", "target": "fr"}, headers=own).status_code == 200


def test_a_download_name_with_accents_and_quotes_is_given_both_ways(flipping: Running) -> None:
    started = flipping.post(
        "/api/files", files={"file": ('résumé "v2".md', b"Hello\n")}, data={"target": "fr"}
    ).json()
    done = finished(flipping, str(started["id"]))
    disposition = flipping.get(str(done["download_url"])).headers["content-disposition"]
    assert disposition == (
        "attachment; filename=\"r?sum? 'v2'.fr.md\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.fr.md"
    )


def test_only_the_pages_own_files_are_served() -> None:
    from bayling_local.server.page import PageFileNotFoundError, _read

    assert _read("app.js").startswith(b"//")
    for name in ("../app.py", ".hidden.js", "page.py", "web/app.js", "..\\x.js"):
        with pytest.raises(PageFileNotFoundError):
            _read(name)


def test_a_glossary_without_the_targets_column_is_left_out_with_a_notice(flipping: Running) -> None:
    body = {"q": "Start the pump.", "source": "en", "target": "de", "glossary": "en\tfr\npump\tpompe\n"}
    events = streamed(flipping, body)
    assert (
        events[0]["notice"]
        == "The glossary has no German column (it has eng_Latn, fra_Latn), so it was not used."
    )
    assert events[-1]["translatedText"] == "TRATS EHT PMUP."
    # The LibreTranslate API keeps refusing it: its clients chose the glossary for this request.
    assert flipping.post("/translate", json=body).status_code == 400


def test_libretranslate_gives_its_best_guess_for_a_word_too_short_to_be_sure_of(flipping: Running) -> None:
    answer = flipping.post("/translate", json={"q": "Hello", "source": "auto", "target": "fr"}).json()
    guess = answer["detectedLanguage"]
    assert guess["language"] and 0 < guess["confidence"] < 100


def test_a_document_job_leaves_half_the_slots_to_people_waiting() -> None:
    import threading

    class Counting(FlipEngine):
        def __init__(self) -> None:
            super().__init__()
            self.delay, self.active, self.most = 0.01, 0, 0
            self.lock = threading.Lock()

        def _produce(self, handle, text):  # type: ignore[no-untyped-def]
            with self.lock:
                self.active += 1
                self.most = max(self.most, self.active)
            try:
                super()._produce(handle, text)
            finally:
                with self.lock:
                    self.active -= 1

    engine = Counting()  # four slots
    with running(lambda _: engine) as live:
        _wait_healthy(live)
        lines = "".join(f"Line number {i} of the long file.\n" for i in range(24)).encode()
        job = live.post("/api/files", files={"file": ("long.txt", lines)}, data={"target": "fr"}).json()
        assert finished(live, str(job["id"]))["status"] == "done"
        assert engine.most == 2
        metrics = live.get("/metrics").text
        assert 'bayling_requests_total{route="/api/files",status="202"} 1.0' in metrics
        assert re.search(r"^bayling_completion_tokens_total [1-9]", metrics, re.MULTILINE)
