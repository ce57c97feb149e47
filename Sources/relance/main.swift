import RelanceCLI
RelanceCommand.main()
