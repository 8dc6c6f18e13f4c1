"""`python -m pipelines.cli`, as the console script."""

import sys

from pipelines.cli.app import main

if __name__ == "__main__":  # importing the module (as the package walk in the tests does) runs nothing
    sys.exit(main())
