"""`python app.py [--host H] [--port P] [--auth USER:PASSWORD]`: the web app, as `reportassist serve`."""

import sys

from reportassist.cli import app

if __name__ == "__main__":
    app(["serve", *sys.argv[1:]], prog_name="app.py")
