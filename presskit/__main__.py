from presskit.cli import main

main(prog_name="presskit")
