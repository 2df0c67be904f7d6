"""TextMemo: what the build's checks remember between builds, keyed by a module's text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from widgetbuild.build_cache import TextMemo


class Counter:
    """A pure function of a text that counts its calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, text: str) -> list[int]:
        self.calls.append(text)
        return [len(text)]


def test_a_result_is_remembered_across_builds_and_recomputed_for_a_changed_text(tmp_path: Path) -> None:
    path, count = tmp_path / "memo.json", Counter()
    memo = TextMemo(path, b"v1")
    assert memo.get("abc", count) == [3]
    assert memo.get("abc", count) == [3]
    memo.save()
    again = TextMemo(path, b"v1")
    assert again.get("abc", count) == [3]
    assert again.get("abcd", count) == [4]
    assert count.calls == ["abc", "abcd"]


def test_another_version_or_a_damaged_file_starts_empty(tmp_path: Path) -> None:
    path, count = tmp_path / "memo.json", Counter()
    memo = TextMemo(path, b"v1")
    memo.get("abc", count)
    memo.save()
    TextMemo(path, b"v2").get("abc", count)  # the checker's source changed
    path.write_bytes(path.read_bytes()[:20])
    TextMemo(path, b"v1").get("abc", count)  # truncated
    path.write_text(json.dumps(["not", "a", "record"]), encoding="utf-8")
    TextMemo(path, b"v1").get("abc", count)  # foreign
    assert count.calls == ["abc"] * 4


def test_save_keeps_only_the_texts_asked_for(tmp_path: Path) -> None:
    path, count = tmp_path / "memo.json", Counter()
    memo = TextMemo(path, b"v1")
    memo.get("old", count)
    memo.get("kept", count)
    memo.save()
    memo = TextMemo(path, b"v1")
    memo.get("kept", count)
    memo.save()
    assert len(json.loads(path.read_text(encoding="utf-8"))["results"]) == 1
    TextMemo(path, b"v1").get("old", count)
    assert count.calls == ["old", "kept", "old"]


def test_a_failure_is_not_remembered(tmp_path: Path) -> None:
    memo, calls = TextMemo(tmp_path / "memo.json", b"v1"), []

    def failing(text: str) -> list[int]:
        calls.append(text)
        raise ValueError(text)

    for _ in range(2):
        with pytest.raises(ValueError):
            memo.get("bad", failing)
    assert calls == ["bad", "bad"]
