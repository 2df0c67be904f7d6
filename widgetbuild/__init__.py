"""The build pipeline that turns ``widget_src`` and ``blank`` into amoCRM's ``widget.zip``.

One module per stage: :mod:`config`, :mod:`source_rules`, :mod:`transpile`, :mod:`link`,
:mod:`minify`, :mod:`i18n`, :mod:`manifest`, :mod:`images`, :mod:`archive`; :mod:`pipeline`
runs them (Transcrypt in its own process, beside the others).
"""
