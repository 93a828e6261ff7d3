from reportassist.cli import main

main()
