import sys

from ycdesk.cli import main

sys.exit(main())
