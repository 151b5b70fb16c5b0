import sys

from gantheory.cli import main

sys.exit(main(sys.argv[1:]))
