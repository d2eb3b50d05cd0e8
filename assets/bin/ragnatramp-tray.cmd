@echo off
rem The command line of the installed Ragnatramp Tray (the installer puts this folder on the
rem user's PATH): the app's own executable runs the CLI (main/electron/app-cli.ts), so no Node is
rem needed. A command script waits for the program it starts, even a windowed one (cmd, start /?:
rem "This new behavior does NOT occur if executing within a command script"), so the prompt
rem comes back when the command is done, with its exit code.
"%~dp0..\..\Ragnatramp Tray.exe" --cli %*
exit /b %ERRORLEVEL%
