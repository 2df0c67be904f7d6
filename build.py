"""Build the AsteriskNG amoCRM widget: ``python build.py --prod`` makes ``build/widget.zip``.

Run ``python build.py --help`` for every option, ``python build.py serve --help`` for the
local amoCRM sandbox.
"""

from __future__ import annotations

import sys

# Transcrypt 3.9.5 uses ast names that Python 3.14 removed; fail here, not deep in the transpiler.
# The lower bound is the project's (pyproject.toml's requires-python): typing.Self needs 3.11.
if not ((3, 11) <= sys.version_info[:2] < (3, 14)):
    sys.exit(f"build.py needs Python 3.11 to 3.13 (Transcrypt 3.9.5); this is {sys.version.split()[0]}")

import dataclasses
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click
from click.core import ParameterSource

from sandbox.defaults import DEMO_USER_EMAIL, DEMO_USER_ID
from widgetbuild import config as cfg
from widgetbuild.errors import BuildError
from widgetbuild.loader import DEFAULT_DEV_URL, check_dev_url
from widgetbuild.paths import shown
from widgetbuild.pipeline import CACHE_DIR_NAME, BuildResult, build
from widgetbuild.platforms import DEFAULT_PLATFORM, PLATFORMS, check_locales


def _print_stage(stage: str, seconds: float, detail: str) -> None:
    click.echo(f"  {stage:<10} {seconds:6.2f} s  {detail}")


def run_build(config: cfg.BuildConfig) -> BuildResult:
    """Build with progress lines; exit 1 with the problem on bad input."""
    click.echo(f"Building the {config.mode} widget {config.version} into {shown(config.zip_path)}")
    started = time.perf_counter()
    try:
        result = build(config, _print_stage)
    except BuildError as error:
        click.secho(f"Build failed: {error}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"Done in {time.perf_counter() - started:.2f} s: {shown(result.zip_path)}")
    return result


class _OutDir(click.Path):
    """A folder path that is never empty: click would turn '' into '.', so an unset variable in a
    script would write into whatever the current folder is."""

    def __init__(self) -> None:
        super().__init__(file_okay=False, path_type=Path)

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> object:
        if isinstance(value, str) and not value.strip():
            self.fail("must not be empty (that would be the current folder)", param, ctx)
        return super().convert(value, param, ctx)


def _options(func: Callable[..., None]) -> Callable[..., None]:
    """The build options shared by the build itself and ``serve``."""
    options = [
        click.option("--platform", "platform_code", type=click.Choice(sorted(PLATFORMS)),
                     default=DEFAULT_PLATFORM, show_default=True,
                     help="amocrm: ru and en, archive widget.zip; "
                          "kommo: en, es and pt, archive widget-kommo.zip."),
        click.option("--locales", default=None,
                     help="Ship only these of the platform's locales, comma-separated (e.g. en,es)."),
        click.option("--out-dir", type=_OutDir(), default=cfg.PROJECT_ROOT / "build",
                     show_default="build",
                     help="Where the archive (and, with --dev, the unpacked tree) is written."),
        click.option("--version", "version", default=cfg.DEFAULT_VERSION, show_default=True,
                     help="Widget version for the manifest and the request headers. Backends reject a major "
                          "other than 1 (status 409), so that needs --force-version."),
        click.option("--force-version", is_flag=True, help="Allow a major version other than 1."),
        click.option("--settings-field", default=cfg.DEFAULT_SETTINGS_FIELD, show_default=True,
                     help="Code of amoCRM's settings field that holds the widget's settings JSON "
                          "(SETTINGS_FIELD). Keep the default to keep existing installations' settings."),
        click.option("--notification-delay", type=click.IntRange(1, cfg.MAX_NOTIFICATION_DELAY),
                     default=cfg.DEFAULT_NOTIFICATION_DELAY, show_default=True,
                     help="Seconds between two 'server not responding' notifications "
                          "(NOTIFICATION_DELAY)."),
        click.option("--min-length-internal-number",
                     type=click.IntRange(1, cfg.MAX_MIN_LENGTH_INTERNAL_NUMBER),
                     default=cfg.DEFAULT_MIN_LENGTH_INTERNAL_NUMBER, show_default=True,
                     help="Characters to type before the panel's call button is enabled "
                          "(MIN_LENGTH_INTERNAL_NUMBER)."),
        click.option("--clean", is_flag=True,
                     help="Rebuild from scratch, replacing the incremental build cache in "
                          "<out-dir>/.cache/."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_config(dev: bool, platform_code: str, locales: str | None, out_dir: Path, version: str,
                force_version: bool, settings_field: str, notification_delay: int,
                min_length_internal_number: int, clean: bool = False) -> cfg.BuildConfig:
    """Validate the options into a :class:`BuildConfig`; exit 2 with the problem if one is bad."""
    try:
        return cfg.BuildConfig(
            dev=dev,
            platform_code=platform_code,
            locales=check_locales(PLATFORMS[platform_code], locales),
            out_dir=out_dir.resolve(),
            cache_dir=out_dir.resolve() / CACHE_DIR_NAME,
            clean=clean,
            version=cfg.check_version(version, force_version),
            settings_field=cfg.check_settings_field(settings_field),
            notification_delay=cfg.check_range("--notification-delay", notification_delay,
                                               cfg.MAX_NOTIFICATION_DELAY),
            min_length_internal_number=cfg.check_range("--min-length-internal-number",
                                                       min_length_internal_number,
                                                       cfg.MAX_MIN_LENGTH_INTERNAL_NUMBER),
        )
    except BuildError as error:
        raise click.BadParameter(error.problem, param_hint=error.path) from None


class _Cli(click.Group):
    """The command group; an unexpected error (a bug, not bad input) is one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            if ctx.params.get("debug"):
                raise
            click.secho("Internal error (a bug in the build, not in your input): "
                        f"{type(error).__name__}: {error}. "
                        "Run again with --debug to see the traceback.", fg="red", err=True)
            ctx.exit(1)


def _reject_options_before_serve(ctx: click.Context) -> None:
    """``build.py --version 2.0.0 serve`` would silently build 1.0.0: the options belong after the command."""
    if ctx.invoked_subcommand == "loader" and ctx.params.get("prod"):
        raise click.UsageError("'--prod loader' is refused: the live loader is a development tool, "
                               "and a --prod build never contains loader code")
    given = [param.opts[0] for param in ctx.command.params
             if param.name != "debug"
             and ctx.get_parameter_source(param.name or "") != ParameterSource.DEFAULT]
    if given:
        raise click.UsageError(f"{', '.join(given)} before '{ctx.invoked_subcommand}' would be ignored: "
                               f"put the options after it ({ctx.info_name} {ctx.invoked_subcommand} --help)")


@click.group(cls=_Cli, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--prod", is_flag=True, help="Release build: minified, no debug logging.")
@click.option("--dev", is_flag=True,
              help="Development build: readable script.js that logs every callback and request at debug "
                   "level; also leaves the unpacked archive in <out-dir>/widget/.")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an internal error.")
@click.option("--sizes", is_flag=True,
              help="After building, print the bytes (raw and gzip) each module adds to script.js, "
                   "largest first.")
@_options
@click.pass_context
def cli(ctx: click.Context, prod: bool, dev: bool, debug: bool, sizes: bool, **options: object) -> None:
    """Build widget.zip for amoCRM from widget_src/ (Python, via Transcrypt) and blank/.

    Stages: i18n, manifest, transpile (Transcrypt runs beside the others), link (script.js and
    the post-call card's postcall.js), minify (--prod), images, archive. Upload the resulting
    build/widget.zip to amoCRM as a private integration.

    Exit codes: 0 built, 1 bad input (the message names the file and the problem) or an
    internal error, 2 a usage error (a bad or missing option).
    """
    if ctx.invoked_subcommand is not None:
        _reject_options_before_serve(ctx)
        return
    if prod == dev:
        raise click.UsageError("choose one of --prod (release) or --dev (development build)"
                               + (", not both" if prod else ""))
    config = make_config(dev, **options)  # type: ignore[arg-type]
    result = run_build(config)
    if sizes:
        from widgetbuild.size_map import format_size_map, size_map

        click.echo(format_size_map(size_map(result.linked, not dev, config.source_dir),
                                   result.files["script.js"]))


@cli.command()
@click.option("--dev-url", default=DEFAULT_DEV_URL, show_default=True,
              help="Where the developer's `build.py serve` runs, "
                   "as the browser at the amoCRM account reaches it.")
@_options
def loader(dev_url: str, **options: object) -> None:
    """Build <out-dir>/loader/widget.zip, a live loader for a real amoCRM account.

    It has the manifest, locales and images of a --dev build, but its script.js loads the real
    script.js from `build.py serve` at DEV_URL at every page load. Upload it once, run serve,
    reload the amoCRM page after each change. Never for production: `--prod loader` is refused.
    """
    try:
        url = check_dev_url(dev_url)
    except BuildError as error:
        raise click.BadParameter(error.problem, param_hint="--dev-url") from None
    options["out_dir"] = Path(str(options["out_dir"])) / "loader"
    config = dataclasses.replace(make_config(True, **options), loader_url=url)  # type: ignore[arg-type]
    run_build(config)
    click.echo(f"Upload {shown(config.zip_path)} to amoCRM once, then run `build.py serve` "
               f"(reachable at {url}) and reload the amoCRM page after each change.")


def _check_backend_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An http(s) URL with a host, checked when serve starts rather than at the first proxied request."""
    if value is None:
        return None
    try:
        cfg.check_http_url("--backend-url", value)
    except BuildError as error:
        raise click.BadParameter(error.problem) from None
    return value


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8800, show_default=True,
              help="Port of the sandbox page (0: any free port).")
@click.option("--backend-url", default=None, callback=_check_backend_url,
              help="URL of a real AsteriskNG server to proxy to. Default: an embedded demo backend.")
@click.option("--user-id", type=int, default=DEMO_USER_ID, show_default=True,
              help="The emulated amoCRM user's id.")
@click.option("--user-email", default=DEMO_USER_EMAIL, show_default=True,
              help="The emulated amoCRM user's e-mail.")
@click.option("--locale", type=click.Choice(sorted({loc for p in PLATFORMS.values() for loc in p.locales})),
              default=None, help="The emulated account's language, one of the platform's locales "
                                 "[default: its first: ru for amocrm, en for kommo].")
@click.option("--archive", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Run this widget.zip (any build) instead of building; no rebuilds.")
@_options
def serve(port: int, backend_url: str | None, user_id: int, user_email: str, locale: str | None,
          archive: Path | None, **options: object) -> None:
    """Run the widget in a local amoCRM sandbox at http://127.0.0.1:PORT/.

    Builds --dev into <out-dir>/sandbox/, serves it in an emulated amoCRM page (contact card,
    contact list, settings modal, notification tray, a control strip for the demo backend),
    and rebuilds whenever widget_src/ or blank/ change: reload the page to get the new build.
    """
    from sandbox.options import SandboxOptions
    from sandbox.run import START_ERRORS, start_problem, start_sandbox, stop_on_sigterm

    platform = PLATFORMS[str(options["platform_code"])]
    if locale is None:
        locale = platform.locales[0]
    elif locale not in platform.locales:
        raise click.BadParameter(f"{locale}: {platform.title} accepts only {', '.join(platform.locales)}",
                                 param_hint="--locale")
    stop_on_sigterm()  # before the first build, so a kill mid-build still removes its staging folder
    config = None
    if archive is None:
        options["out_dir"] = Path(str(options["out_dir"])) / "sandbox"
        config = make_config(True, **options)  # type: ignore[arg-type]
        run_build(config)
        archive = config.zip_path
    sandbox_options = SandboxOptions(port=port, user_id=user_id, user_email=user_email, locale=locale,
                                     platform=platform.code)
    try:
        running = start_sandbox(archive, backend_url, sandbox_options)
    except START_ERRORS as error:
        message, code = start_problem(error)
        click.secho(message, fg="red", err=True)
        sys.exit(code)
    click.echo(f"{platform.title} sandbox: {running.url}")
    click.echo(f"  backend: {running.sandbox.backend_url}" + (" (demo)" if running.backend else ""))
    try:
        if config is None:
            click.echo("Serving the given archive. Press Ctrl-C to stop.")
            threading.Event().wait()
        else:
            _rebuild_on_changes(config)
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        running.stop()


def _rebuild_on_changes(config: cfg.BuildConfig) -> None:
    """Rebuild after every change of the sources; a failed build keeps the last good archive."""
    from watchfiles import watch

    click.echo(f"Watching {config.source_dir.name}/ and {config.blank_dir.name}/. Press Ctrl-C to stop.")
    for changes in watch(config.source_dir, config.blank_dir,
                         watch_filter=lambda change, path: ("__pycache__" not in path
                                                            and "__target__" not in path)):
        click.echo(f"{len(changes)} file(s) changed: rebuilding")
        try:
            build(config, _print_stage)
        except BuildError as error:
            click.secho(f"Build failed (the sandbox keeps the last good build): {error}", fg="red", err=True)


if __name__ == "__main__":
    cli()
