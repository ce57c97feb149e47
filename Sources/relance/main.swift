import RelanceCLI
await RelanceCommand.start()
