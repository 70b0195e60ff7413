import TinyVMXCommands

TinyVMXCommand.main()
