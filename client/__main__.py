import sys

from client.app import main

sys.exit(main())
