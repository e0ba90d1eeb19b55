from codefactory.cli.app import main

main()
