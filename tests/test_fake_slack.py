"""The fake Slack Web API (tests/fakes/slack_api.py) driven by the real slack_sdk."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fakes import make_slack_spec
from fakes.slack_api import FakeSlack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.models.blocks import SectionBlock
from slack_sdk.webhook import WebhookClient

TOKEN = "xoxb-test"
# ServerErrorRetryHandler waits as its interval calculator says; RateLimitErrorRetryHandler
# always waits int(Retry-After) + up to 1 s of jitter.
RETRY_5XX = ServerErrorRetryHandler(interval_calculator=FixedValueRetryIntervalCalculator(0.05))


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    with FakeSlack(token=TOKEN) as server:
        yield server


def client(fake: FakeSlack, *handlers) -> WebClient:  # type: ignore[no-untyped-def]
    web = WebClient(token=TOKEN, base_url=fake.url, timeout=5)
    web.retry_handlers.extend(handlers)
    return web


def test_post_message_is_answered_and_recorded(fake: FakeSlack) -> None:
    web = client(fake)
    first = web.chat_postMessage(channel="C123", text="Burglary is down",
                                 blocks=[SectionBlock(text="*Burglary* is down")])
    second = web.chat_postMessage(channel="C123", text="reply", thread_ts=first["ts"])
    assert first["ok"] and first["channel"] == "C123"
    assert first["ts"] == "1700000000.000100" and second["ts"] > first["ts"]
    assert first["message"]["text"] == "Burglary is down"
    posted = fake.messages("C123")
    assert [m["text"] for m in posted] == ["Burglary is down", "reply"]
    assert posted[0]["blocks"][0]["text"]["text"] == "*Burglary* is down"
    assert posted[1]["thread_ts"] == first["ts"]
    call = fake.calls[0]
    assert call.method == "chat.postMessage" and call.status == 200
    assert call.params["channel"] == "C123" and "token" not in call.params
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert fake.messages("C999") == []


def test_update_ephemeral_and_form_encoded_methods(fake: FakeSlack) -> None:
    web = client(fake)
    ts = web.chat_postMessage(channel="C1", text="draft")["ts"]
    assert web.chat_update(channel="C1", ts=ts, text="final")["text"] == "final"
    assert fake.messages("C1")[0]["text"] == "final"
    assert web.chat_postEphemeral(channel="C1", user="U1", text="only you")["message_ts"]
    assert fake.ephemerals("C1")[0]["user"] == "U1"
    assert web.users_info(user="U1")["user"]["id"] == "U1"  # sent form-encoded
    assert web.conversations_info(channel="C1")["channel"]["id"] == "C1"
    assert web.auth_test()["user_id"] == "U0FAKEBOT"
    with pytest.raises(SlackApiError) as missing:
        web.chat_update(channel="C1", ts="1.000000", text="x")
    assert missing.value.response["error"] == "message_not_found"


def test_views_open_update_publish(fake: FakeSlack) -> None:
    web = client(fake)
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Update action"}}
    opened = web.views_open(trigger_id="123.456", view=modal)["view"]
    assert opened["id"].startswith("V") and opened["hash"]
    updated = web.views_update(view_id=opened["id"], view=modal, hash=opened["hash"])["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    with pytest.raises(SlackApiError) as stale:
        web.views_update(view_id=opened["id"], view=modal, hash=opened["hash"])
    assert stale.value.response["error"] == "hash_conflict"
    home = web.views_publish(user_id="U1", view={"type": "home", "blocks": []})["view"]
    assert fake.views[home["id"]]["user_id"] == "U1"


def test_missing_required_parameter_is_invalid_arguments(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as error:
        client(fake).api_call("chat.postMessage", json={"text": "no channel"})
    response = error.value.response
    assert response["error"] == "invalid_arguments"
    assert response["response_metadata"]["messages"] == [
        "[ERROR] missing required field: channel"]
    with pytest.raises(SlackApiError) as typed:
        client(fake).api_call("files.getUploadURLExternal", params={"filename": "a",
                                                                     "length": "many"})
    assert "invalid type for field: length" in typed.value.response["response_metadata"][
        "messages"][0]


def test_wrong_token_and_unknown_method(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as wrong:
        WebClient(token="xoxb-wrong", base_url=fake.url).chat_postMessage(channel="C1", text="x")
    assert wrong.value.response["error"] == "invalid_auth"
    assert fake.messages("C1") == []
    with pytest.raises(SlackApiError) as unknown:
        client(fake).api_call("chat.nonsense")
    assert unknown.value.response["error"] == "unknown_method"


def test_files_upload_v2_records_bytes_alt_text_and_channel(fake: FakeSlack) -> None:
    result = client(fake).files_upload_v2(channel="C123", file=b"PNG...", filename="c.png",
                                          alt_txt="alt", title="t", thread_ts="1700000000.000100")
    assert result["ok"] and result["file"]["title"] == "t"
    [upload] = fake.uploads("C123")
    assert upload["data"] == b"PNG..." and upload["alt_txt"] == "alt"
    assert (upload["title"], upload["filename"]) == ("t", "c.png")
    assert upload["thread_ts"] == "1700000000.000100" and upload["id"] == result["file"]["id"]
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    raw_post = fake.calls[1]  # raw bytes, no token, and urllib's default form content type
    assert raw_post.body == b"PNG..." and "Authorization" not in raw_post.headers
    assert raw_post.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_multipart_upload_and_completion_errors(fake: FakeSlack) -> None:
    web = client(fake)
    url = web.files_getUploadURLExternal(filename="a.csv", length=3)
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\""
            f"\r\n\r\nx,y\r\n--{boundary}--\r\n").encode()
    request = urllib.request.Request(url["upload_url"], data=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert urllib.request.urlopen(request).read() == b"OK - 3"
    files = [{"id": url["file_id"], "title": "A"}]
    web.files_completeUploadExternal(files=files, channels=["C1", "C2"])
    assert fake.uploads("C1")[0]["data"] == fake.uploads("C2")[0]["data"] == b"x,y"
    with pytest.raises(SlackApiError) as never_sent:
        web.files_completeUploadExternal(files=[{"id": "F404", "title": "?"}], channel_id="C1")
    assert never_sent.value.response["error"] == "file_not_found"


def test_failed_upload_post_raises_urllib_error(fake: FakeSlack) -> None:
    fake.fail_next("upload", status=500)
    with pytest.raises(urllib.error.HTTPError):  # slack_sdk neither retries nor wraps it
        client(fake, RETRY_5XX).files_upload_v2(channel="C1", content="x")
    assert fake.uploads("C1") == []


def test_429_is_retried_by_rate_limit_handler(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    web = client(fake, RateLimitErrorRetryHandler(max_retry_count=1))
    assert web.chat_postMessage(channel="C1", text="hi")["ok"]
    calls = fake.calls_to("chat.postMessage")
    assert len(calls) == 2 and [c.status for c in calls] == [429, 200]
    assert calls[0].response["error"] == "ratelimited"
    assert len(fake.messages("C1")) == 1


def test_500_is_retried_by_server_error_handler(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=500)
    assert client(fake, RETRY_5XX).chat_postMessage(channel="C1", text="x")["ok"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [500, 200]
    fake.fail_next("chat.postMessage", status=503, times=2)
    with pytest.raises(SlackApiError) as gave_up:
        client(fake, RETRY_5XX).chat_postMessage(channel="C1", text="x")
    assert gave_up.value.response.status_code == 503
    fake.fail_next("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError) as error:
        client(fake).chat_postMessage(channel="C1", text="x")
    assert error.value.response["error"] == "channel_not_found"


def test_response_url_bodies_are_recorded(fake: FakeSlack) -> None:
    url = fake.response_url()
    assert url.startswith(fake.base + "/response_url/") and url != fake.response_url()
    sent = WebhookClient(url).send(text="Burglary: 42", response_type="ephemeral")
    assert (sent.status_code, sent.body) == (200, "ok")
    assert fake.responses == [{"text": "Burglary: 42", "response_type": "ephemeral"}]
    assert WebhookClient(fake.base + "/response_url/R0").send(text="x").status_code == 404


def test_per_channel_rate_limit(fake: FakeSlack) -> None:
    fake.rate_limit("chat.postMessage", per_channel_per_second=1.0)
    web = client(fake)
    web.chat_postMessage(channel="C1", text="one")
    with pytest.raises(SlackApiError) as limited:
        web.chat_postMessage(channel="C1", text="two")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "1"
    web.chat_postMessage(channel="C2", text="other channel")
    assert [len(fake.messages(c)) for c in ("C1", "C2")] == [1, 1]
    fake.rate_limit("chat.postMessage", None)
    web.chat_postMessage(channel="C1", text="two")
    assert len(fake.messages("C1")) == 2


def test_concurrent_posts_get_distinct_ts(fake: FakeSlack) -> None:
    web = client(fake)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: web.chat_postMessage(channel="C1", text=str(i)),
                                range(40)))
    assert len({r["ts"] for r in results}) == 40 == len(fake.messages("C1"))


def test_spec_extract_matches_shared_spec() -> None:
    source = make_slack_spec.DEFAULT_SOURCE
    if not (source / make_slack_spec.SPEC_NAME).exists():
        pytest.skip(f"Slack spec not present ({source})")
    spec_text, licence = make_slack_spec.render(source)
    here = Path(make_slack_spec.__file__).parent
    assert (here / "slack_spec.json").read_text(encoding="utf-8") == spec_text
    assert (here / "SLACK_SPEC_LICENSE").read_text(encoding="utf-8") == licence
    assert json.loads(spec_text)["methods"]["chat.postMessage"]["required"] == ["channel"]
