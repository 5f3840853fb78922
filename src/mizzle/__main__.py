from mizzle.cli import main

main()
