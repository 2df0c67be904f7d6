"""Run Transcrypt 3.9.5 in make mode (retranspile only modules whose source is newer than its target).

Used as a script: ``python transcrypt_make.py <transcrypt arguments>`` in the staged source folder,
exactly like ``python -m transcrypt``, with one change. In make mode Transcrypt reloads an
unchanged target and, if its first character is not ``/``, takes it for minified code and
prettifies it with the Closure Compiler (a Java process, 1.6 s) only to read its import and
export names. The target of a JavaScript-only module (the runtime's ``copy``) never starts with
``/``, so every make would pay for Java. The names are the same in the unprettified code, which
is exactly what a full build reads for such a module, so the check is switched off.
"""

from __future__ import annotations

import os
import runpy
import sys
from typing import Any


def _read_minified_as_is(namespace: dict[str, Any]) -> None:
    utils = namespace["utils"]
    digest = utils.digestJavascript

    def digest_without_refusal(*args: Any, **kwargs: Any) -> Any:
        kwargs.pop("refuseIfAppearsMinified", None)
        return digest(*args, **kwargs)

    utils.digestJavascript = digest_without_refusal


def main() -> int:
    """Run Transcrypt's command line on ``sys.argv[1:]``; return its exit code."""
    # `python -m transcrypt` puts the current folder first on sys.path; Transcrypt searches it.
    sys.path[0] = os.getcwd().replace("\\", "/")
    namespace = runpy.run_module("transcrypt", run_name="transcrypt_make")
    _read_minified_as_is(namespace)
    return int(namespace["main"]() or 0)


if __name__ == "__main__":
    sys.exit(main())
