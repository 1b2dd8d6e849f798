"""The server over a fake model, through real clients (the `openai` package, `libretranslatepy`, httpx):
the API shapes, the errors, the limits, and the browser-safety checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx2 as httpx
import openai
import pytest
from libretranslatepy import LibreTranslateAPI
from tui.fakes import FakeEngine

from bayling_local.errors import UsageError
from bayling_local.server.config import ServerConfig

from .conftest import Running, _wait_healthy, plain_post, running


def client(live: Running, key: str = "none") -> openai.OpenAI:
    return openai.OpenAI(base_url=live.url + "/v1", api_key=key, max_retries=0)


def test_models_chat_streamed_chat_and_completions_through_the_openai_package(
    server: Running, engine: FakeEngine
) -> None:
    api = client(server)
    assert [m.id for m in api.models.list()] == ["fake", "other"]
    answer = api.chat.completions.create(model="fake", messages=[{"role": "user", "content": "Say hello"}])
    assert answer.choices[0].message.content == "Bonjour le monde"
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage is not None and answer.usage.completion_tokens == engine.results[-1].completion_tokens
    stream = api.chat.completions.create(
        model="fake",
        messages=[{"role": "user", "content": "Say hello"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Bonjour le monde"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0
    completion = api.completions.create(model="fake", prompt="Once upon a time", max_tokens=3)
    assert completion.choices[0].text == " Bonjour le"  # a completion keeps the text as the model wrote it


def test_what_the_server_cannot_do_is_a_clear_400_and_an_unknown_model_a_404(server: Running) -> None:
    api = client(server)
    hello = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.BadRequestError, match="n must be 1"):
        api.chat.completions.create(model="fake", messages=hello, n=2)  # type: ignore[arg-type]
    with pytest.raises(openai.BadRequestError, match="unsupported parameter.*tools"):
        api.chat.completions.create(
            model="fake",
            messages=hello,  # type: ignore[arg-type]
            tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}],
        )
    with pytest.raises(openai.NotFoundError, match="no model named 'gpt-4o'.*fake, other"):
        api.chat.completions.create(model="gpt-4o", messages=hello)  # type: ignore[arg-type]
    broken = server.post(
        "/v1/chat/completions", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400 and broken.json()["error"]["message"] == "the body is not valid JSON"


def test_libretranslate_clients_translate_list_languages_and_detect(server: Running) -> None:
    libre = LibreTranslateAPI(server.url + "/")
    assert libre.translate("Good morning", "en", "fr") == "Bonjour le monde"
    codes = {entry["code"] for entry in libre.languages()}
    assert {"en", "fr", "zh", "zt", "ace_Arab"} <= codes and len(codes) == 205
    assert libre.detect("Der Hund schläft, weil er müde ist und nicht spielen will.")[0]["language"] == "de"
    many = server.post("/translate", json={"q": ["Hello", "Bye"], "source": "auto", "target": "fr"}).json()
    assert many["translatedText"] == ["Bonjour le monde", "Bonjour le monde"]
    assert len(many["detectedLanguage"]) == 2
    form = server.post("/translate", data={"q": "Hello", "source": "en", "target": "fra_Latn"})
    assert form.json() == {"translatedText": "Bonjour le monde"}
    bad = server.post("/translate", json={"q": "Hello", "source": "en", "target": "klingon"})
    assert bad.status_code == 400 and "Unknown language 'klingon'" in bad.json()["error"]


def test_a_key_is_needed_everywhere_but_health_and_languages(engine: FakeEngine) -> None:
    with running(lambda _: engine, api_key="s3cret") as live:
        _wait_healthy(live)
        with pytest.raises(openai.AuthenticationError):
            client(live).models.list()
        assert [m.id for m in client(live, "s3cret").models.list()] == ["fake", "other"]
        assert live.get("/languages").status_code == 200
        refused = live.post("/translate", json={"q": "Hi", "source": "en", "target": "fr"})
        assert refused.status_code == 401 and "api_key" in refused.json()["error"]
        given = live.post("/translate", json={"q": "Hi", "source": "en", "target": "fr", "api_key": "s3cret"})
        assert given.status_code == 200
        assert live.get("/frontend/settings").json()["keyRequired"] is True
        assert live.post("/tokenize", json={"content": "Hi there"}).status_code == 401
        bearer = {"Authorization": "Bearer s3cret"}
        counted = live.post("/tokenize", json={"content": "Hi there"}, headers=bearer)
        assert counted.status_code == 200 and counted.json()["tokens"] == engine.tokenize("Hi there")
        assert live.get("/metrics").status_code == 401
        assert "bayling_requests_total" in live.get("/metrics", headers=bearer).text
        assert live.get("/health").status_code == 200


def test_models_say_their_prompt_format_and_context_for_clients_that_build_prompts(
    server: Running, engine: FakeEngine
) -> None:
    listed = {m["id"]: m for m in server.get("/v1/models").json()["data"]}
    assert listed["fake"]["bayling_local"] == {"prompt_format": "fewshot", "context_length": engine.n_ctx}
    assert "bayling_local" not in listed["other"]  # not loaded, and no GGUF to read its header from
    assert server.get("/v1/models/fake").json()["bayling_local"]["prompt_format"] == "fewshot"


def test_a_server_on_another_address_needs_a_key() -> None:
    with pytest.raises(UsageError, match="refusing to listen on 0.0.0.0 without an API key"):
        ServerConfig(host="0.0.0.0")
    assert ServerConfig(host="0.0.0.0", api_key="k").wildcard


def test_foreign_hosts_and_cross_site_posts_are_refused(server: Running) -> None:
    rebinding = server.get("/v1/models", headers={"Host": "evil.example:8080"})
    assert rebinding.status_code == 403 and "--allow-host" in rebinding.json()["error"]["message"]
    assert server.get("/v1/models", headers={"Host": "localhost:1234"}).status_code == 200
    page = server.post(
        "/translate",
        data={"q": "Hi", "source": "en", "target": "fr"},
        headers={"Origin": "https://evil.example"},
    )
    assert page.status_code == 403 and "--cors-origin" in page.json()["error"]
    assert "access-control-allow-origin" not in {k.lower() for k in page.headers}


def test_a_body_over_the_limit_is_413(engine: FakeEngine) -> None:
    with running(lambda _: engine, max_body_bytes=2048) as live:
        too_big = live.post("/translate", json={"q": "x" * 4000, "source": "en", "target": "fr"})
        assert too_big.status_code == 413 and "2048 bytes" in too_big.json()["error"]


def test_a_full_queue_answers_429_with_retry_after() -> None:
    slow = FakeEngine(translation=" ".join(["mot"] * 200), delay=0.02)
    with running(lambda _: slow, max_queue=1) as live:
        _wait_healthy(live)
        with httpx.stream(
            "POST",
            live.url + "/v1/chat/completions",
            json={"model": "fake", "messages": [{"role": "user", "content": "long"}], "stream": True},
            timeout=30,
        ) as first:
            lines = first.iter_lines()  # kept: a discarded iterator closes the response when collected
            next(lines)
            status, headers, body = plain_post(
                live.url + "/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}]}
            )
            assert status == 429 and headers["retry-after"] == "1"
            assert body["error"]["code"] == "rate_limit_exceeded"  # type: ignore[index]


def test_a_client_that_disconnects_mid_stream_frees_its_slot() -> None:
    slow = FakeEngine(translation=" ".join(["mot"] * 400), delay=0.02)  # 8 s if nothing stops it
    with running(lambda _: slow) as live:
        _wait_healthy(live)
        with httpx.stream(
            "POST",
            live.url + "/v1/chat/completions",
            json={"messages": [{"role": "user", "content": "long"}], "stream": True},
            timeout=30,
        ) as response:
            lines = response.iter_lines()
            next(lines), next(lines)
        deadline = time.monotonic() + 5
        while not slow.results:
            assert time.monotonic() < deadline, "the request went on after its client left"
            time.sleep(0.02)
        assert slow.results[-1].stop_reason == "cancelled" and slow.results[-1].completion_tokens < 400
        assert live.state.pool.in_flight == 0
        slow.translation = "Encore"
        assert (
            client(live)
            .chat.completions.create(model="fake", messages=[{"role": "user", "content": "again"}])
            .choices[0]
            .message.content
            == "Encore"
        )


def test_health_is_503_while_the_model_loads_then_200(engine: FakeEngine) -> None:
    release = threading.Event()

    def slow_load(_name: str) -> FakeEngine:
        release.wait(10)
        return engine

    with running(slow_load) as live:
        assert live.get("/health").status_code == 503
        release.set()
        _wait_healthy(live)
        assert live.get("/health").json() == {"status": "ok", "models": ["fake"]}
        metrics = live.get("/metrics").text
        assert "bayling_requests_in_progress" in metrics and "bayling_models_loaded 1.0" in metrics
        assert 'bayling_requests_total{route="/health",status="503"} 1.0' in metrics


def test_a_bounded_load_of_concurrent_clients_loses_nothing() -> None:
    """100 requests, 16 at a time, against one model: every one answered, none lost or mixed up."""
    from concurrent.futures import ThreadPoolExecutor

    busy = FakeEngine(translation="Bonjour le monde", delay=0.005)
    with running(lambda _: busy) as live:
        _wait_healthy(live)

        def ask(n: int) -> tuple[int, object]:
            status, _, body = plain_post(
                live.url + "/translate", {"q": f"Line {n}", "source": "en", "target": "fr"}
            )
            return status, body

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(ask, range(100)))
    assert [status for status, _ in answers] == [200] * 100
    assert all(body == {"translatedText": "Bonjour le monde"} for _, body in answers)
    assert live.state.pool.in_flight == 0


def test_serve_on_a_public_address_without_a_key_is_refused_in_one_line() -> None:
    from click.testing import CliRunner

    from bayling_local.cli.main import cli

    outcome = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert outcome.exit_code == 2
    assert outcome.output.strip().startswith("Error: refusing to listen on 0.0.0.0 without an API key")
    assert "Traceback" not in outcome.output


def test_serve_with_a_model_that_does_not_exist_fails_at_start_in_one_line() -> None:
    from click.testing import CliRunner

    from bayling_local.cli.main import cli

    outcome = CliRunner().invoke(cli, ["serve", "-m", "nosuch", "--port", "0"])
    assert outcome.exit_code != 0
    assert outcome.output.count("\n") == 1 and "no installed model named 'nosuch'" in outcome.output


def test_a_taken_port_is_one_line_and_port_0_is_announced_as_the_port_chosen() -> None:
    import socket

    from bayling_local.errors import UsageError
    from bayling_local.server.run import _bind

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UsageError, match=f"cannot listen on 127.0.0.1:{port}.*choose another --port"):
            _bind("127.0.0.1", port)
    chosen = _bind("127.0.0.1", 0)
    try:
        assert chosen.getsockname()[1] != 0
    finally:
        chosen.close()


def test_a_model_that_does_not_fit_in_free_memory_is_refused_saying_how_much_it_needs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import psutil

    from bayling_local.config import RuntimeConfig
    from bayling_local.server.pool import NotEnoughMemoryError
    from bayling_local.server.run import check_memory

    class Tight:
        available = 100_000_000  # 0.1 GB

    check_memory("builtin", RuntimeConfig(), 2)  # this machine has room for the built-in model
    monkeypatch.setattr(psutil, "virtual_memory", lambda: Tight())
    with pytest.raises(
        NotEnoughMemoryError,
        match=r"builtin needs about 0\.\d GB .* KV cache for 2 slots at --ctx 4096\) and 0\.1 GB is free",
    ):
        check_memory("builtin", RuntimeConfig(), 2)


def test_what_clients_send_by_habit_is_accepted_and_errors_keep_their_api_shape(server: Running) -> None:
    nulls = server.post(
        "/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "hi"}], "tools": None, "logit_bias": {}, "top_k": 20},
    )
    assert nulls.status_code == 200, nulls.text
    missing = server.get("/v1/embeddings")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert server.get("/v1/models/fake").json()["id"] == "fake"
    bad = server.post("/translate", content=b"{oops", headers={"content-type": "application/json"})
    assert bad.status_code == 400 and bad.json() == {"error": "the body is not valid JSON"}
    auto = server.post("/translate", json={"q": "Hello there, my friend.", "source": "Auto", "target": "fr"})
    assert auto.status_code == 200 and "detectedLanguage" in auto.json()


def test_only_this_servers_own_origin_may_post_from_a_page(server: Running) -> None:
    port = server.url.rsplit(":", 1)[1]
    body = {"q": "Hi", "source": "en", "target": "fr"}
    other_local_app = server.post("/translate", json=body, headers={"Origin": "http://localhost:3000"})
    assert other_local_app.status_code == 403
    own_page = server.post("/translate", json=body, headers={"Origin": f"http://127.0.0.1:{port}"})
    assert own_page.status_code == 200


def test_a_named_origin_gets_cors_even_for_the_preflight_and_the_refusals(engine: FakeEngine) -> None:
    origin = "https://app.example"
    with running(lambda _: engine, api_key="k", cors_origins=(origin,)) as live:
        _wait_healthy(live)
        preflight = httpx.options(
            live.url + "/v1/chat/completions",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == origin
        refused = live.get("/v1/models", headers={"Origin": origin})
        assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == origin


def test_a_chunked_body_over_the_limit_is_413_too(engine: FakeEngine) -> None:
    with running(lambda _: engine, max_body_bytes=2048) as live:

        def chunks() -> Iterator[bytes]:
            yield b'{"messages": [{"role": "user", "content": "'
            for _ in range(10):
                yield b"x" * 1000
            yield b'"}]}'

        sent = httpx.post(
            live.url + "/v1/chat/completions", content=chunks(), headers={"content-type": "application/json"}
        )
        assert sent.status_code == 413 and "2048 bytes" in sent.json()["error"]["message"]


def test_libretranslate_format_html_keeps_the_tags(engine: FakeEngine) -> None:
    from documents.flip import FlipEngine

    flipping = FlipEngine()
    with running(lambda _: flipping) as live:
        _wait_healthy(live)
        html = '<p>Press the <b>red</b> button.</p><img src="a.png" alt="A pump"><code>x = 1</code>'
        answer = live.post("/translate", json={"q": html, "source": "en", "target": "fr", "format": "html"})
        assert answer.json() == {
            "translatedText": '<p>SSERP EHT <b>DER</b> NOTTUB.</p><img src="a.png" alt="A PMUP"><code>x = 1</code>'
        }
        many = live.post(
            "/translate", json={"q": ["<i>Hello</i>", ""], "source": "en", "target": "fr", "format": "html"}
        )
        assert many.json()["translatedText"] == ["<i>OLLEH</i>", ""]
        broken = live.post(
            "/translate", json={"q": "<p>a</span>", "source": "en", "target": "fr", "format": "html"}
        )
        assert broken.status_code == 400 and "broken HTML" in broken.json()["error"]
        other = live.post("/translate", json={"q": "a", "source": "en", "target": "fr", "format": "pdf"})
        assert other.status_code == 400 and "format must be text or html" in other.json()["error"]


def test_libretranslate_takes_a_glossary_and_names_to_keep() -> None:
    from glossary.terms_fake import TermEngine

    honouring = TermEngine("always")
    with running(lambda _: honouring) as live:
        _wait_healthy(live)
        body = {
            "q": "Start the pump.",
            "source": "en",
            "target": "fr",
            "glossary": "en\tfr\npump\tpomparelle\n",
        }
        assert live.post("/translate", json=body).json() == {"translatedText": "TRATS EHT pomparelle."}
        body = {
            "q": "PumpCo pumps.",
            "source": "en",
            "target": "fr",
            "glossary": {"pump": "pomparelle"},
            "keep": ["PumpCo"],
        }
        assert live.post("/translate", json=body).json() == {"translatedText": "PumpCo pomparelle."}
        bad = live.post(
            "/translate", json={"q": "x", "source": "auto", "target": "fr", "glossary": {"a": "b"}}
        )
        assert bad.status_code == 400 and "needs a source language" in bad.json()["error"]
