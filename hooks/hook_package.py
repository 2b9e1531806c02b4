"""The build backend of the root pyproject.toml: the package `contingent-pre-commit`.

pre-commit installs a `language: python` hook with `pip install .` in the hook's repository. A
wheel of contingent itself would be built from source there (minutes), so the root is this small
package instead: it holds no code and requires `contingent==<version>`, the version of the
Cargo.toml beside it, which pip takes as the prebuilt wheel from PyPI (or from `--find-links`).
That is the pattern of ruff's ruff-pre-commit, with the pin read from Cargo.toml so that it
cannot drift. The wheel's own project is python/pyproject.toml (maturin).

It needs nothing but the standard library (`requires = []`), so installing the hook downloads no
build tool. PEP 517 hooks: build_wheel, build_sdist, build_editable, prepare_metadata_for_*.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

NAME = "contingent-pre-commit"
DIST = "contingent_pre_commit"
SUMMARY = "The pre-commit hook of contingent: requires the contingent wheel of the same version"
# A Cargo version that is also a PEP 440 version once normalised (maturin publishes it so):
# 1.2.3, and pre-releases 1.2.3-alpha.1, -beta.2, -rc.3.
VERSION = re.compile(r"[0-9]+(\.[0-9]+){0,3}(-(alpha|beta|rc)\.?[0-9]+)?")


def cargo_version(root="."):
    """The `version` of the `[package]` table of Cargo.toml in `root`."""
    section = None
    with open(os.path.join(root, "Cargo.toml"), encoding="utf-8") as cargo:
        for line in cargo:
            line = line.strip()
            if line.startswith("["):
                section = line
                continue
            if section == "[package]":
                m = re.fullmatch(r'version\s*=\s*"([^"]*)"', line)
                if m:
                    if not VERSION.fullmatch(m.group(1)):
                        raise ValueError(
                            f"Cargo.toml: version {m.group(1)!r} is not one that maturin publishes "
                            "as a PEP 440 version (1.2.3, 1.2.3-rc.1)"
                        )
                    return m.group(1)
    raise ValueError("Cargo.toml has no version in its [package] table")


def metadata(version):
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME}\n"
        f"Version: {version}\n"
        f"Summary: {SUMMARY}\n"
        "License: MIT OR Apache-2.0\n"
        "Requires-Python: >=3.8\n"
        f"Requires-Dist: contingent=={version}\n"
    )


WHEEL = "Wheel-Version: 1.0\nGenerator: contingent hooks/hook_package.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _dist_info(version):
    return f"{DIST}-{version}.dist-info"


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}\n"


def _write_metadata(directory, version):
    info = os.path.join(directory, _dist_info(version))
    os.makedirs(info, exist_ok=True)
    for name, text in (("METADATA", metadata(version)), ("WHEEL", WHEEL)):
        with open(os.path.join(info, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return _dist_info(version)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return _write_metadata(metadata_directory, cargo_version())


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = cargo_version()
    info = _dist_info(version)
    files = [(f"{info}/METADATA", metadata(version).encode()), (f"{info}/WHEEL", WHEEL.encode())]
    record = "".join(_record_line(path, data) for path, data in files) + f"{info}/RECORD,,\n"
    files.append((f"{info}/RECORD", record.encode()))
    name = f"{DIST}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as whl:
        for path, data in files:
            entry = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            whl.writestr(entry, data)
    return name


# There is nothing to edit in place: an editable install is the same wheel.
build_editable = build_wheel


def build_sdist(sdist_directory, config_settings=None):
    version = cargo_version()
    base = f"{DIST}-{version}"
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as sdist:
        members = [("pyproject.toml", None), ("Cargo.toml", None), ("hooks/hook_package.py", None)]
        members.append(("PKG-INFO", metadata(version).encode()))
        for path, data in members:
            if data is None:
                with open(path, "rb") as f:
                    data = f.read()
            entry = tarfile.TarInfo(f"{base}/{path}")
            entry.size = len(data)
            entry.mode = 0o644
            sdist.addfile(entry, io.BytesIO(data))
    return name
