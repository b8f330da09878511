"""The DeepL test server answers the real deepl client over HTTP the way DeepL does."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import deepl
import pytest
from deepl import util
from deepl.api_data import MultilingualGlossaryDictionaryEntries as Dictionary

from .deepl_server import TEST_KEY, DeepLServer, RecordedRequest, fast_retries, serve_deepl

REPO = Path(__file__).parent.parent

server = pytest.fixture(serve_deepl, name="server")


@pytest.fixture
def client(server: DeepLServer) -> Iterator[deepl.DeepLClient]:
    """A real deepl client talking to the test server."""
    deepl_client = deepl.DeepLClient(TEST_KEY, server_url=server.url)
    yield deepl_client
    deepl_client.close()


def _post_form(server: DeepLServer, path: str, fields: dict[str, object]) -> tuple[int, dict]:
    """POST form-encoded fields the way other DeepL clients do; return status and JSON."""
    request = urllib.request.Request(
        server.url + path,
        data=urllib.parse.urlencode(fields, doseq=True).encode(),
        headers={"Authorization": f"DeepL-Auth-Key {TEST_KEY}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_translation_keeps_tags_and_records_the_request(server, client):
    texts = ['<p class="x">Das <b>Amt</b> hilft.</p>', "Guten Tag"]
    results = client.translate_text(
        texts, source_lang="DE", target_lang="EN-GB", tag_handling="xml", context="Ein Amt"
    )
    assert [r.text for r in results] == [f"[EN-GB] {t}" for t in texts]
    assert [r.billed_characters for r in results] == [len(t) for t in texts]
    assert {r.detected_source_lang for r in results} == {"DE"}
    assert server.url.endswith("/")
    assert server.billed_characters() == sum(map(len, texts)) == server.character_count
    (record,) = server.translate_requests()
    assert record.texts == tuple(texts)
    assert (record.source_lang, record.target_lang, record.status) == ("DE", "EN-GB", 200)
    assert record.params["context"] == "Ein Amt" and record.params["tag_handling"] == "xml"
    assert record.headers["Authorization"] == "DeepL-Auth-Key ***"
    assert record.authorized and not record.injected and record.body_bytes > 0


def test_broken_markup_switch_drops_closing_tags(server, client):
    server.break_markup = True
    result = client.translate_text("<p>Das <b>Amt</b></p>", target_lang="TR", tag_handling="html")
    assert result.text == "[TR] <p>Das <b>Amt"


def test_more_than_50_texts_are_rejected_and_not_billed(server, client):
    assert len(client.translate_text(["a"] * 50, target_lang="PL")) == 50
    with pytest.raises(deepl.DeepLException) as caught:
        client.translate_text(["a"] * 51, target_lang="PL")
    assert caught.value.http_status_code == 400
    assert server.billed_characters() == 50


def test_a_body_over_128_kib_gets_413_and_is_not_retried(server, client):
    with pytest.raises(deepl.DeepLException) as caught:
        client.translate_text("ä" * 30_000, target_lang="RU")  # JSON escapes ä as \u00e4
    assert caught.value.http_status_code == 413
    assert [r.status for r in server.requests] == [413]
    assert server.requests[0].body_bytes > 128 * 1024


def test_form_encoded_requests_and_the_server_side_checks(server):
    status, body = _post_form(
        server, "v2/translate", {"text": ["Eins", "Zwei"], "target_lang": "uk"}
    )
    assert status == 200
    assert [t["text"] for t in body["translations"]] == ["[UK] Eins", "[UK] Zwei"]
    assert "billed_characters" not in body["translations"][0]  # only if asked for
    status, body = _post_form(server, "v2/translate", {"text": "Eins", "target_lang": "EN"})
    assert status == 400 and "EN-GB or EN-US" in body["message"]
    assert _post_form(server, "v2/translate", {"text": "x", "target_lang": "PT"})[0] == 400
    assert server.billed_characters() == len("EinsZwei")


def test_formality_more_and_less_only_where_supported(client):
    assert client.translate_text("Du", target_lang="DE", formality="more").text == "[DE] Du"
    assert client.translate_text("Du", target_lang="TR", formality="prefer_more").text
    with pytest.raises(deepl.DeepLException) as caught:
        client.translate_text("Du", target_lang="TR", formality="less")
    assert caught.value.http_status_code == 400


def test_quota_exceeded_raises_and_bills_nothing():
    with DeepLServer(TEST_KEY, character_limit=10) as server:
        client = deepl.DeepLClient(TEST_KEY, server_url=server.url)
        client.translate_text("Hallo", target_lang="AR")
        with pytest.raises(deepl.QuotaExceededException):
            client.translate_text("Guten Tag", target_lang="AR")
        usage = client.get_usage()
        assert (usage.character.count, usage.character.limit) == (5, 10)
        assert [(r.status, r.billed_characters) for r in server.translate_requests()] == [
            (200, 5),
            (456, 0),
        ]
        client.close()


def test_an_injected_quota_error_can_start_halfway(server, client):
    server.fail(456, after=2)
    client.translate_text(["eins", "zwei"], target_lang="FR")
    client.translate_text("drei", target_lang="FR")
    with pytest.raises(deepl.QuotaExceededException):
        client.translate_text("vier", target_lang="FR")
    client.translate_text("fünf", target_lang="FR")  # times=1: the fault is used up
    assert [r.injected for r in server.translate_requests()] == [False, False, True, False]
    assert server.billed_characters() == len("einszweidreifünf")


def test_a_wrong_key_raises_authorization_exception(server):
    wrong = deepl.DeepLClient("wrong:fx", server_url=server.url)
    with pytest.raises(deepl.AuthorizationException):
        wrong.translate_text("Hallo", target_lang="DE")
    wrong.close()
    (record,) = server.requests
    assert (record.status, record.authorized, record.billed_characters) == (403, False, 0)


def test_429_once_is_retried_after_the_clients_one_second_backoff(server, client):
    server.fail(429)
    started = time.monotonic()
    assert client.translate_text("Hallo", target_lang="IT").text == "[IT] Hallo"
    assert time.monotonic() - started >= 0.9  # deepl ignores Retry-After; the first wait is 1 s
    assert [r.status for r in server.requests] == [429, 200]
    assert server.billed_characters() == 5


def test_5xx_is_retried_five_times_then_raised(server, client):
    server.fail(503, times=None)
    with fast_retries(), pytest.raises(deepl.DeepLException) as caught:
        client.translate_text("Hallo", target_lang="IT")
    assert caught.value.http_status_code == 503
    assert [r.status for r in server.requests] == [503] * 6


def test_a_dropped_connection_is_retried_or_raised_without_retries(server, client):
    server.fail("drop")
    with fast_retries():
        assert client.translate_text("Hallo", target_lang="BG").text == "[BG] Hallo"
    assert [r.status for r in server.requests] == [None, 200]
    server.fail("drop")
    with fast_retries(retries=0), pytest.raises(deepl.ConnectionException):
        client.translate_text("Hallo", target_lang="BG")


def test_a_held_request_times_out_and_hooks_see_every_request(server, client):
    seen: list[RecordedRequest] = []
    server.on_request = seen.append
    server.fail("hang", after=1)
    with fast_retries(timeout=0.3):
        client.translate_text("eins", target_lang="EL")
        assert client.translate_text("zwei", target_lang="EL").text == "[EL] zwei"
    assert server.wait_for_requests(3, timeout=1)
    assert [r.status for r in seen] == [200, None, 200]


def test_concurrent_requests_are_all_recorded_and_billed(server, client):
    def translate(n: int) -> None:
        for _ in range(5):
            client.translate_text(f"Satz {n}", target_lang="RO")

    threads = [threading.Thread(target=translate, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(server.translate_requests()) == 40
    assert server.billed_characters() == server.character_count == 40 * len("Satz 0")


def test_glossaries_create_list_read_update_replace_delete(server, client):
    glossary = client.create_multilingual_glossary(
        "Begriffe",
        [Dictionary("DE", "EN", {"Amt": "office"}), Dictionary("DE", "TR", {"Amt": "daire"})],
    )
    assert [(d.source_lang, d.target_lang, d.entry_count) for d in glossary.dictionaries] == [
        ("DE", "EN", 1),
        ("DE", "TR", 1),
    ]
    assert [g.glossary_id for g in client.list_multilingual_glossaries()] == [glossary.glossary_id]
    assert client.get_multilingual_glossary(glossary.glossary_id).name == "Begriffe"
    updated = client.update_multilingual_glossary_dictionary(
        glossary, Dictionary("DE", "EN", {"Antrag": "application"})
    )
    assert updated.dictionaries[0].entry_count == 2
    replaced = client.replace_multilingual_glossary_dictionary(
        glossary, Dictionary("DE", "EN-GB", {"Bürgeramt": "citizens' office"})
    )
    assert (replaced.target_lang, replaced.entry_count) == ("EN", 1)
    (entries,) = client.get_multilingual_glossary_entries(glossary, "DE", "EN").dictionaries
    assert util.convert_tsv_to_dict(entries.entries) == {"Bürgeramt": "citizens' office"}
    client.delete_multilingual_glossary_dictionary(glossary, source_lang="DE", target_lang="TR")
    assert len(client.get_multilingual_glossary(glossary.glossary_id).dictionaries) == 1
    client.delete_multilingual_glossary(glossary)
    with pytest.raises(deepl.GlossaryNotFoundException):
        client.get_multilingual_glossary(glossary.glossary_id)


def test_glossary_pairs_deepl_does_not_support_are_rejected(client):
    pairs = {
        (p.source_lang.upper(), p.target_lang.upper()) for p in client.get_glossary_languages()
    }
    assert {("DE", t) for t in "EN TR AR PL RU UK IT EL RO BG".split()} <= pairs
    assert not {("DE", t) for t in ("FA", "HR", "SQ", "PS", "KMR", "CKB")} & pairs
    with pytest.raises(deepl.DeepLException) as caught:
        client.create_multilingual_glossary("x", [Dictionary("DE", "FA", {"Amt": "اداره"})])
    assert caught.value.http_status_code == 400


def test_glossary_terms_replace_whole_words_in_text_nodes_only(server, client):
    glossary = client.create_multilingual_glossary(
        "g", [Dictionary("DE", "EN", {"Amt": "office", "Bürgeramt": "citizens' office"})]
    )
    text = '<p title="Amt">Das Bürgeramt, das Amt, das Amtsblatt <code>Amt</code></p>'
    result = client.translate_text(
        text,
        source_lang="DE",
        target_lang="EN-US",
        glossary=glossary,
        tag_handling="html",
        ignore_tags=["code"],
    )
    assert result.text == (
        '[EN-US] <p title="Amt">Das citizens\' office, das office, das Amtsblatt'
        " <code>Amt</code></p>"
    )
    assert server.translate_requests()[0].params["glossary_id"] == glossary.glossary_id
    with pytest.raises(deepl.DeepLException) as caught:  # no DE->TR dictionary
        client.translate_text(
            "Amt", source_lang="DE", target_lang="TR", glossary=glossary.glossary_id
        )
    assert caught.value.http_status_code == 400


def test_usage_and_languages(client):
    client.translate_text("Hallo", target_lang="UK")
    usage = client.get_usage()
    assert (usage.character.count, usage.character.limit) == (5, 500_000)
    assert {"DE", "EN", "TR", "AR", "FA"} <= {lang.code for lang in client.get_source_languages()}
    targets = {lang.code: lang.supports_formality for lang in client.get_target_languages()}
    assert targets["DE"] and targets["PT-BR"] and not targets["EN-GB"] and not targets["TR"]
    assert {"EN-US", "PL", "RU", "UK", "FR", "AR"} <= targets.keys()
    assert "EN" not in targets and "PT" not in targets


def test_rephrase_is_billed_separately_and_pro_only():
    with DeepLServer("pro-key") as server:
        client = deepl.DeepLClient("pro-key", server_url=server.url)
        result = client.rephrase_text("Das Amt hilft.", target_lang="DE", style="simple")
        assert (result.text, result.target_language) == ("[rephrased:simple] Das Amt hilft.", "DE")
        assert server.billed_characters("/v2/write/rephrase") == server.write_character_count == 14
        assert server.character_count == 0
        with pytest.raises(deepl.DeepLException) as caught:
            client.rephrase_text("x" * 11_000, target_lang="DE")
        assert caught.value.http_status_code == 413
        with pytest.raises(deepl.DeepLException):
            client.rephrase_text("Hallo", target_lang="TR")
        client.close()
    with DeepLServer(TEST_KEY) as server:
        client = deepl.DeepLClient(TEST_KEY, server_url=server.url)
        with pytest.raises(deepl.AuthorizationException):
            client.rephrase_text("Hallo", target_lang="DE")
        client.close()


def test_standalone_server_prints_its_url_and_stops_on_ctrl_c():
    command = [sys.executable, "-m", "tests.deepl_server", "--port", "0", "--key", "manual"]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().split()[4]
            client = deepl.DeepLClient("manual", server_url=url)
            assert client.translate_text("Hallo", target_lang="FR").text == "[FR] Hallo"
            client.close()
            assert process.stdout.readline().startswith("POST /v2/translate -> 200")
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=5) == 0
        finally:
            if process.poll() is None:
                process.kill()
