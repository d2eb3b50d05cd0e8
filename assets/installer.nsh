; Ragnatramp Tray's additions to electron-builder's NSIS installer and uninstaller
; (electron-builder.yml, nsis.include). electron-builder includes this file ahead of its own
; templates, with their include folder on the search path (app-builder-lib 26.17.0,
; out/targets/nsis/NsisTarget.js, computeCommonInstallerScriptHeader). Macros it calls, by the
; line of templates/nsis/ that inserts them:
; - customCheckAppRunning  include/allowOnlyOneInstallerInstance.nsh:37-38 (installer and uninstaller)
; - customInstall          installSection.nsh:81-82, once the files are in place
; - customUnInstall        uninstaller.nsh:156-157, before the files are removed
; Everything is per user (HKCU): the app installs without admin rights (nsis.perMachine: false).

!include "WinMessages.nsh"
!include "WordFunc.nsh"
; _CHECK_APP_RUNNING needs these; electron-builder declares them only when no
; customCheckAppRunning exists (include/allowOnlyOneInstallerInstance.nsh:5-8).
!include "getProcessInfo.nsh"
Var pid

; The folder of ragnatramp-tray.cmd (extraResources "bin"), put on the user's PATH. It holds
; nothing else: the install folder itself would put Electron's DLLs on every program's search path.
!define RAGNATRAMP_CLI_DIR "$INSTDIR\resources\bin"
; The installed app's toast activator (main/electron/windows-identity.ts, TOAST_ACTIVATOR_CLSID):
; Electron registers it under HKCU\Software\Classes\CLSID (electron/electron
; shell/browser/notifications/win/windows_toast_activator.cc:142-159).
!define RAGNATRAMP_TOAST_CLSID "{B05FF305-93CC-4426-8029-6E15B7D3241E}"
; Launch at login: the Run value Electron writes, named by the app id (${APP_ID}, which
; main/electron/windows-identity.ts gives the installed app), and Task Manager's switch for it
; (shell/browser/browser_win.cc:58-63, 686-716).
!define RAGNATRAMP_RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define RAGNATRAMP_STARTUP_APPROVED_KEY "Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
; Windows keeps each app's notification settings under its app id.
!define RAGNATRAMP_NOTIFICATION_SETTINGS_KEY "Software\Microsoft\Windows\CurrentVersion\Notifications\Settings"

; The app is asked to quit as its own Quit does ("Ragnatramp Tray.exe --quit" reaches the running
; instance, main/electron/main.ts), so its tray icon goes with it; electron-builder's own check
; stops the process (Stop-Process, or taskkill /F), which leaves a ghost icon in the
; notification area. Only what still runs after a few seconds is left to that check.
!macro customCheckAppRunning
  !insertmacro IS_POWERSHELL_AVAILABLE
  !insertmacro FIND_PROCESS "${APP_EXECUTABLE_FILENAME}" $R0
  ${if} $R0 == 0
  ${andIf} ${FileExists} "$INSTDIR\${APP_EXECUTABLE_FILENAME}"
    ; Exec, not ExecWait: an older version without --quit would start a window of its own.
    Exec `"$INSTDIR\${APP_EXECUTABLE_FILENAME}" --quit`
    StrCpy $R1 0
    ${do}
      Sleep 250
      IntOp $R1 $R1 + 1
      !insertmacro FIND_PROCESS "${APP_EXECUTABLE_FILENAME}" $R0
      ${if} $R0 != 0
      ${orIf} $R1 >= 40
        ${break}
      ${endIf}
    ${loop}
  ${endIf}
  !insertmacro _CHECK_APP_RUNNING
!macroend

; Adds RAGNATRAMP_CLI_DIR to the user's PATH (HKCU\Environment, no admin rights) unless it is
; there. A PATH longer than NSIS reads whole is left alone: writing back a cut one would lose
; the user's own entries.
!macro ragnatrampPathAdd
  ClearErrors
  ReadRegStr $R0 HKCU "Environment" "Path"
  StrLen $R1 $R0
  IntOp $R2 ${NSIS_MAX_STRLEN} - 300
  ${if} $R1 >= $R2
    DetailPrint "Your PATH is too long to change safely: add ${RAGNATRAMP_CLI_DIR} to it yourself to use ragnatramp-tray in a terminal."
  ${else}
    ; ";PATH;" with ";DIR;" taken out is unchanged when DIR is not on it (WordReplace ignores case, as Windows does).
    ${WordReplace} ";$R0;" ";${RAGNATRAMP_CLI_DIR};" ";" "+" $R3
    ${if} $R3 == ";$R0;"
      ${if} $R0 == ""
        StrCpy $R0 "${RAGNATRAMP_CLI_DIR}"
      ${else}
        StrCpy $R4 $R0 1 -1
        ${if} $R4 == ";"
          StrCpy $R0 "$R0${RAGNATRAMP_CLI_DIR}"
        ${else}
          StrCpy $R0 "$R0;${RAGNATRAMP_CLI_DIR}"
        ${endIf}
      ${endIf}
      WriteRegExpandStr HKCU "Environment" "Path" $R0
      ; New terminals see it without signing out.
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
    ${endIf}
  ${endIf}
!macroend

; Takes RAGNATRAMP_CLI_DIR off the user's PATH, leaving every other entry as it was.
!macro ragnatrampPathRemove
  ClearErrors
  ReadRegStr $R0 HKCU "Environment" "Path"
  StrLen $R1 $R0
  IntOp $R2 ${NSIS_MAX_STRLEN} - 300
  ${ifNot} ${Errors}
  ${andIf} $R1 < $R2
    ${WordReplace} ";$R0;" ";${RAGNATRAMP_CLI_DIR};" ";" "+" $R3
    ${if} $R3 != ";$R0;"
      ; Drop the two added separators again.
      StrCpy $R3 $R3 "" 1
      StrCpy $R3 $R3 -1
      WriteRegExpandStr HKCU "Environment" "Path" $R3
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
    ${endIf}
  ${endIf}
!macroend

!macro customInstall
  !insertmacro ragnatrampPathAdd
!macroend

; An update runs the old version's uninstaller too (--updated): the user's launch at login,
; notification settings and PATH entry stay through it.
!macro customUnInstall
  ${ifNot} ${isUpdated}
    DeleteRegValue HKCU "${RAGNATRAMP_RUN_KEY}" "${APP_ID}"
    DeleteRegValue HKCU "${RAGNATRAMP_STARTUP_APPROVED_KEY}" "${APP_ID}"
    DeleteRegKey HKCU "Software\Classes\CLSID\${RAGNATRAMP_TOAST_CLSID}"
    DeleteRegKey HKCU "${RAGNATRAMP_NOTIFICATION_SETTINGS_KEY}\${APP_ID}"
    !insertmacro ragnatrampPathRemove
  ${endIf}
!macroend
