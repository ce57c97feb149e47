import ArgumentParser
public struct RelanceCommand: ParsableCommand { public init() {} }
