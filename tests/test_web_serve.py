"""`cin-docs serve` as a user starts it: the link on the first line, 127.0.0.1 by default, a warning for --host,
and a server log with nothing but methods and statuses."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def own_address() -> str | None:
    """This machine's address on its network (not 127.x), if it has one; nothing is sent."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def start(*args):
    return subprocess.Popen(
        [sys.executable, "-m", "cin_docs.cli", "serve", str(SAMPLES), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def get(url: str) -> int:
    for _ in range(50):
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except urllib.error.URLError:
            time.sleep(0.1)
    raise AssertionError("the server did not answer")


def test_serve_prints_the_link_first_binds_localhost_and_logs_nothing_about_a_child():
    port = free_port()
    proc = start("--port", str(port), "--as-of", "2026-11-23")
    try:
        first = proc.stdout.readline().strip()
        assert first.startswith(f"Open http://127.0.0.1:{port}/?token=")
        token = first.split("token=", 1)[1]
        assert len(token) >= 32
        assert get(f"http://127.0.0.1:{port}/case/HIL-2026-0143") == 403
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(first[len("Open ") :], timeout=10) as r:
            assert r.status == 200 and "Millie" in r.read().decode()
        with opener.open(f"http://127.0.0.1:{port}/case/HIL-2026-0143", timeout=30) as r:
            assert r.status == 200
        outside = own_address()
        if outside:  # listening on the loopback address only: this machine's network address is refused
            with socket.socket() as s:
                s.settimeout(2)
                assert s.connect_ex((outside, port)) != 0
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert "GET 403" in err and "GET 200" in err
    for secret in ("HIL-2026-0143", "Millie", "Hartwell", token, "/case"):
        assert secret not in err


def test_a_second_start_has_another_token_and_host_warns():
    port = free_port()
    proc = start("--port", str(port), "--host", "0.0.0.0")
    try:
        first = proc.stdout.readline().strip()
        assert first.startswith(f"Open http://0.0.0.0:{port}/?token=")
        deadline = time.monotonic() + 10
        err = ""
        while "Warning" not in err and time.monotonic() < deadline:
            err += proc.stderr.readline()
        assert "other computers on the network can reach this app" in err
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    port2 = free_port()
    proc2 = start("--port", str(port2))
    try:
        second = proc2.stdout.readline().strip()
    finally:
        proc2.terminate()
        proc2.communicate(timeout=10)
    assert second.split("token=")[1] != first.split("token=")[1]


def test_a_port_in_use_is_a_plain_error_not_a_link():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "cin_docs.cli", "serve", str(SAMPLES), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0 and result.stdout == ""  # no link to a server that is not there
    assert f"{port} is in use" in result.stderr and "Traceback" not in result.stderr


def test_requests_for_another_host_name_are_refused_when_serving_locally():
    port = free_port()
    proc = start("--port", str(port))
    try:
        first = proc.stdout.readline().strip()
        request = urllib.request.Request(first[len("Open ") :], headers={"Host": f"evil.example:{port}"})
        try:
            status = urllib.request.urlopen(request, timeout=10).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status == 400
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
