"""Build the AsteriskNG amoCRM widget: ``python build.py --prod`` makes ``build/widget.zip``.

Run ``python build.py --help`` for every option, ``python build.py serve --help`` for the
local amoCRM sandbox.
"""

from __future__ import annotations

import sys

# Transcrypt 3.9.5 uses ast names that Python 3.14 removed; fail here, not deep in the transpiler.
if not ((3, 10) <= sys.version_info[:2] < (3, 14)):
    sys.exit(f"build.py needs Python 3.10 to 3.13 (Transcrypt 3.9.5); this is {sys.version.split()[0]}")

import time
from pathlib import Path

import click

from widgetbuild import config as cfg
from widgetbuild.errors import BuildError
from widgetbuild.pipeline import BuildResult, build


def _print_stage(stage: str, seconds: float, detail: str) -> None:
    click.echo(f"  {stage:<10} {seconds:6.2f} s  {detail}")


def run_build(config: cfg.BuildConfig) -> BuildResult:
    """Build with progress lines; exit 1 with the problem on bad input."""
    click.echo(f"Building the {config.mode} widget {config.version} into {config.zip_path}")
    started = time.perf_counter()
    try:
        result = build(config, _print_stage)
    except BuildError as error:
        click.secho(f"Build failed: {error}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"Done in {time.perf_counter() - started:.2f} s: {result.zip_path}")
    return result


def _options(func):  # type: ignore[no-untyped-def]
    """The build options shared by the build itself and ``serve``."""
    options = [
        click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=cfg.PROJECT_ROOT / "build",
                     show_default="build", help="Where widget.zip (and, with --dev, the unpacked tree) is written."),
        click.option("--version", "version", default=cfg.DEFAULT_VERSION, show_default=True,
                     help="Widget version for the manifest and the request headers. Backends reject a major "
                          "other than 1 (status 409), so that needs --force-version."),
        click.option("--force-version", is_flag=True, help="Allow a major version other than 1."),
        click.option("--settings-field", default=cfg.DEFAULT_SETTINGS_FIELD, show_default=True,
                     help="Code of amoCRM's settings field that holds the widget's settings JSON "
                          "(SETTINGS_FIELD). Keep the default to keep existing installations' settings."),
        click.option("--notification-delay", type=int, default=cfg.DEFAULT_NOTIFICATION_DELAY, show_default=True,
                     help="Seconds between two 'server not responding' notifications (NOTIFICATION_DELAY)."),
        click.option("--min-length-internal-number", type=int, default=cfg.DEFAULT_MIN_LENGTH_INTERNAL_NUMBER,
                     show_default=True,
                     help="Characters to type before the panel's call button is enabled "
                          "(MIN_LENGTH_INTERNAL_NUMBER).")
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_config(dev: bool, out_dir: Path, version: str, force_version: bool, settings_field: str,
                notification_delay: int, min_length_internal_number: int) -> cfg.BuildConfig:
    """Validate the options into a :class:`BuildConfig`; exit 2 with the problem if one is bad."""
    try:
        return cfg.BuildConfig(
            dev=dev,
            out_dir=out_dir.resolve(),
            version=cfg.check_version(version, force_version),
            settings_field=cfg.check_settings_field(settings_field),
            notification_delay=cfg.check_positive("--notification-delay", notification_delay),
            min_length_internal_number=cfg.check_positive("--min-length-internal-number",
                                                          min_length_internal_number),
        )
    except BuildError as error:
        raise click.BadParameter(error.problem, param_hint=error.path) from None


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--prod", "mode", flag_value="prod", help="Release build: minified, no debug logging.")
@click.option("--dev", "mode", flag_value="dev",
              help="Development build: readable script.js that logs every callback and request at debug "
                   "level; also leaves the unpacked archive in <out-dir>/widget/.")
@_options
@click.pass_context
def cli(ctx: click.Context, mode: str | None, **options: object) -> None:
    """Build widget.zip for amoCRM from widget_src/ (Python, via Transcrypt) and blank/.

    Stages: transpile, link (one AMD script.js), minify (--prod), i18n, manifest, images,
    archive. Upload the resulting build/widget.zip to amoCRM as a private integration.
    """
    if ctx.invoked_subcommand is not None:
        return
    if mode is None:
        raise click.UsageError("choose --prod (release) or --dev (development build)")
    run_build(make_config(mode == "dev", **options))  # type: ignore[arg-type]


if __name__ == "__main__":
    cli()
