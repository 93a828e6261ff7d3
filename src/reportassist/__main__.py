from reportassist.cli import app

app(prog_name="reportassist")
