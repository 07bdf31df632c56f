"""Which packages Retouch Desk installs; everything else about packaging is in pyproject.toml.

It is here because pyproject.toml cannot say it: the top-level resources/ folder ships as the
package `retouchdesk_resources`, beside the packages found on disk (`retouchdesk`, `app`,
`ui` and whatever subpackages they grow), and package discovery knows no such renaming.
"""

from setuptools import find_namespace_packages, setup

PACKAGE_DIR = {"retouchdesk_resources": "resources"}


def packages() -> list[str]:
    # Folders of data (app/sandbox/samples, resources/icons, ...) count as packages too:
    # setuptools installs package data only from listed packages.
    code = find_namespace_packages(
        include=["retouchdesk", "retouchdesk.*", "app", "app.*", "ui", "ui.*"],
        exclude=["*__pycache__*"],
    )
    folders = find_namespace_packages(where="resources", exclude=["*__pycache__*"])
    return [*code, "retouchdesk_resources", *(f"retouchdesk_resources.{p}" for p in folders)]


if __name__ == "__main__":  # how setuptools' build backend runs this file
    setup(packages=packages(), package_dir=PACKAGE_DIR)
