"""Where the python target's templates are, under templates/."""

TEMPLATES = "python"
PACKAGE_TEMPLATES = f"{TEMPLATES}/package"  # the import package's modules
