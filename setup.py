"""A build step only; everything else is in pyproject.toml.

`languages/` and `sandboxes/` stay at the project root (the layout names them), yet an installed
package needs them: the build copies both into the wheel as `codefactory/data/languages` and
`codefactory/data/sandboxes`. An editable install skips the copy and reads the checkout's own
(codefactory/core/paths.py looks in both places).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PROJECT_DATA = ("languages", "sandboxes")


class BuildPyWithProjectData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in PROJECT_DATA:
            target = Path(self.build_lib, "codefactory", "data", name)
            # build/ outlives a build: a file deleted from the project must not linger there.
            shutil.rmtree(target, ignore_errors=True)
            # copy_tree keeps modes: sandboxes/cpp/cf-build must stay executable.
            self.copy_tree(name, str(target))


setup(cmdclass={"build_py": BuildPyWithProjectData})
