; GovHall Windows installer (NSIS 3, Modern UI 2, 简体中文 + English).
;
; Installs the PyInstaller onedir bundle (installers/pyinstaller/govhall.spec, built ON WINDOWS) to
; Program Files\GovHall, with start-menu shortcuts, an uninstaller and the Add/Remove Programs entry.
; The machine configuration and data live in %ProgramData%\GovHall (machine-wide environment variables
; HALL_CONFIG and HALL_DATA_DIR), so the kiosk, the display and every clerk's account share them.
;
; Build (from this folder):
;   makensis /DPAYLOAD=..\build\pyinstaller\dist\govhall /DVERSION=0.1.0 govhall.nsi
; Optional: /DOUTDIR=..\dist (where GovHall-<version>-setup.exe goes; default: this folder).
; Silent install: GovHall-0.1.0-setup.exe /S  (no first-run questions; run "hall setup --yes ..." afterwards).

Unicode true
ManifestDPIAware true

!ifndef PAYLOAD
  !error "Define PAYLOAD: makensis /DPAYLOAD=<PyInstaller dist\govhall folder> /DVERSION=x.y.z govhall.nsi"
!endif
!ifndef VERSION
  !error "Define VERSION, e.g. /DVERSION=0.1.0"
!endif
!ifndef OUTDIR
  !define OUTDIR "."
!endif
!ifndef VI_VERSION
  !define VI_VERSION "${VERSION}.0"  ; Windows file version needs four numbers
!endif

!define PRODUCT "GovHall"
!define PRODUCT_ZH "政务大厅"
!define PUBLISHER "GovHall"
!define APP_KEY "Software\GovHall"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\GovHall"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define RUN_VALUE "GovHallKiosk"
!define ENV_KEY "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
!define STARTMENU "$SMPROGRAMS\GovHall ${PRODUCT_ZH}"

Name "${PRODUCT} ${PRODUCT_ZH} ${VERSION}"
OutFile "${OUTDIR}\GovHall-${VERSION}-setup.exe"
InstallDir "$PROGRAMFILES64\GovHall"
InstallDirRegKey HKLM "${APP_KEY}" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
ShowInstDetails show
ShowUninstDetails show
BrandingText "${PRODUCT} ${VERSION}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"
!include "WinMessages.nsh"

Var ConfigPath
Var DataRoot

; ---------------------------------------------------------------------------
; Pages
; ---------------------------------------------------------------------------
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_FINISHPAGE_NOAUTOCLOSE
!define MUI_UNFINISHPAGE_NOAUTOCLOSE

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_UNPAGE_FINISH

; The first language is the default when the system language is neither.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

; ---------------------------------------------------------------------------
; Strings
; ---------------------------------------------------------------------------
LangString SecMainName ${LANG_SIMPCHINESE} "GovHall 程序（必需）"
LangString SecMainName ${LANG_ENGLISH} "GovHall programs (required)"
LangString SecMainDesc ${LANG_SIMPCHINESE} "窗口端、取号机、叫号屏与管理命令 hall。"
LangString SecMainDesc ${LANG_ENGLISH} "Counter, kiosk, hall display and the hall admin command."
LangString SecShortcutsName ${LANG_SIMPCHINESE} "开始菜单快捷方式"
LangString SecShortcutsName ${LANG_ENGLISH} "Start menu shortcuts"
LangString SecShortcutsDesc ${LANG_SIMPCHINESE} "在开始菜单中建立“GovHall 政务大厅”文件夹。"
LangString SecShortcutsDesc ${LANG_ENGLISH} "A 'GovHall 政务大厅' folder in the start menu."
LangString SecDesktopName ${LANG_SIMPCHINESE} "桌面快捷方式（窗口端）"
LangString SecDesktopName ${LANG_ENGLISH} "Desktop shortcut (counter)"
LangString SecDesktopDesc ${LANG_SIMPCHINESE} "在桌面放置窗口端的快捷方式。"
LangString SecDesktopDesc ${LANG_ENGLISH} "Put the counter app on the desktop."
LangString SecAutostartName ${LANG_SIMPCHINESE} "开机自动启动取号机"
LangString SecAutostartName ${LANG_ENGLISH} "Start the kiosk at logon"
LangString SecAutostartDesc ${LANG_SIMPCHINESE} "登录 Windows 后自动以全屏取号机方式运行（仅用于取号机电脑）。"
LangString SecAutostartDesc ${LANG_ENGLISH} "Run the self-service kiosk full screen after Windows logon (kiosk PCs only)."

LangString LnkCounter ${LANG_SIMPCHINESE} "窗口端"
LangString LnkCounter ${LANG_ENGLISH} "Counter (窗口端)"
LangString LnkKiosk ${LANG_SIMPCHINESE} "取号机"
LangString LnkKiosk ${LANG_ENGLISH} "Kiosk (取号机)"
LangString LnkDisplay ${LANG_SIMPCHINESE} "叫号屏"
LangString LnkDisplay ${LANG_ENGLISH} "Hall display (叫号屏)"
LangString LnkAdmin ${LANG_SIMPCHINESE} "管理命令"
LangString LnkAdmin ${LANG_ENGLISH} "Admin console (管理命令)"
LangString LnkSetup ${LANG_SIMPCHINESE} "本机设置"
LangString LnkSetup ${LANG_ENGLISH} "Machine setup (本机设置)"
LangString LnkDoctor ${LANG_SIMPCHINESE} "本机检查"
LangString LnkDoctor ${LANG_ENGLISH} "Check this PC (本机检查)"
LangString LnkUninstall ${LANG_SIMPCHINESE} "卸载 GovHall"
LangString LnkUninstall ${LANG_ENGLISH} "Uninstall GovHall"

LangString MsgNeeds64 ${LANG_SIMPCHINESE} "GovHall 需要 64 位 Windows（Windows 10 或更新版本）。"
LangString MsgNeeds64 ${LANG_ENGLISH} "GovHall needs 64-bit Windows (Windows 10 or later)."
LangString MsgSetup ${LANG_SIMPCHINESE} "接下来将打开命令窗口进行本机设置（角色、数据库、站点、窗口号、打印机），请按提示回答。以后可从开始菜单“本机设置”重新运行。"
LangString MsgSetup ${LANG_ENGLISH} "A command window opens next for the first-run setup (role, database, site, window, printer). Answer the questions; you can run it again from the start menu (Machine setup)."
LangString MsgSetupMissing ${LANG_SIMPCHINESE} "本机设置未完成：请稍后从开始菜单“本机设置”运行。"
LangString MsgSetupMissing ${LANG_ENGLISH} "The machine setup was not completed: run 'Machine setup' from the start menu later."
LangString MsgRemoveData ${LANG_SIMPCHINESE} "是否同时删除本机配置与数据（$DataRoot，含本机数据库）？$\r$\n一般请选“否”保留。"
LangString MsgRemoveData ${LANG_ENGLISH} "Also delete this PC's configuration and data ($DataRoot, including the local database)?$\r$\nUsually choose No to keep them."

; ---------------------------------------------------------------------------
; Version information of the setup program
; ---------------------------------------------------------------------------
VIProductVersion "${VI_VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "GovHall setup"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "Apache-2.0"

; ---------------------------------------------------------------------------
; Helpers
; ---------------------------------------------------------------------------
!macro SetMachineEnv NAME VALUE
  ; Set a machine-wide environment variable unless the administrator already chose one; use it in this process too.
  ReadRegStr $0 HKLM "${ENV_KEY}" "${NAME}"
  ${If} $0 == ""
    WriteRegExpandStr HKLM "${ENV_KEY}" "${NAME}" "${VALUE}"
    StrCpy $0 "${VALUE}"
  ${EndIf}
  System::Call 'Kernel32::SetEnvironmentVariable(t "${NAME}", t r0) i'
!macroend

!macro RemoveMachineEnv NAME VALUE
  ReadRegStr $0 HKLM "${ENV_KEY}" "${NAME}"
  ${If} $0 == "${VALUE}"
    DeleteRegValue HKLM "${ENV_KEY}" "${NAME}"
  ${EndIf}
!macroend

; ---------------------------------------------------------------------------
; Install
; ---------------------------------------------------------------------------
Section "!$(SecMainName)" SecMain
  SectionIn RO
  SetShellVarContext all

  ; An upgrade replaces the whole bundle: stale modules from an older version must not linger.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  SetOverwrite on
  File /r "${PAYLOAD}\*.*"

  ; Machine-wide configuration and data in %ProgramData%\GovHall, writable by the Users group.
  CreateDirectory "$DataRoot"
  CreateDirectory "$DataRoot\data"
  nsExec::ExecToLog 'icacls "$DataRoot" /grant *S-1-5-32-545:(OI)(CI)M /T /Q'
  Pop $0
  !insertmacro SetMachineEnv "HALL_CONFIG" "$DataRoot\machine.toml"
  !insertmacro SetMachineEnv "HALL_DATA_DIR" "$DataRoot\data"
  ReadEnvStr $ConfigPath "HALL_CONFIG"
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000

  WriteRegStr HKLM "${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${APP_KEY}" "Version" "${VERSION}"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${PRODUCT} ${PRODUCT_ZH}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\hall-counter.exe"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(SecShortcutsName)" SecShortcuts
  SetShellVarContext all
  CreateDirectory "${STARTMENU}"
  SetOutPath "$INSTDIR"  ; the shortcuts' working folder
  CreateShortCut "${STARTMENU}\$(LnkCounter).lnk" "$INSTDIR\hall-counter.exe"
  CreateShortCut "${STARTMENU}\$(LnkKiosk).lnk" "$INSTDIR\hall-kiosk.exe"
  CreateShortCut "${STARTMENU}\$(LnkDisplay).lnk" "$INSTDIR\hall-display.exe"
  CreateShortCut "${STARTMENU}\$(LnkAdmin).lnk" "$SYSDIR\cmd.exe" '/k hall.exe --help' "$INSTDIR\hall.exe"
  CreateShortCut "${STARTMENU}\$(LnkSetup).lnk" "$SYSDIR\cmd.exe" '/k hall.exe setup' "$INSTDIR\hall.exe"
  CreateShortCut "${STARTMENU}\$(LnkDoctor).lnk" "$SYSDIR\cmd.exe" '/k hall.exe doctor' "$INSTDIR\hall.exe"
  CreateShortCut "${STARTMENU}\$(LnkUninstall).lnk" "$INSTDIR\uninstall.exe"
SectionEnd

Section "$(SecDesktopName)" SecDesktop
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  CreateShortCut "$DESKTOP\$(LnkCounter).lnk" "$INSTDIR\hall-counter.exe"
SectionEnd

Section /o "$(SecAutostartName)" SecAutostart
  ; Every user who logs on to this PC gets the full-screen kiosk (pair with Windows auto-logon on kiosk PCs).
  WriteRegStr HKLM "${RUN_KEY}" "${RUN_VALUE}" '"$INSTDIR\hall-kiosk.exe"'
SectionEnd

Section "-FirstRunSetup"
  ; No machine.toml yet: ask the first-run questions now (hall setup), in a console window kept open at the end.
  IfSilent done
  ${IfNot} ${FileExists} "$ConfigPath"
    MessageBox MB_OK|MB_ICONINFORMATION "$(MsgSetup)"
    ExecWait '"$SYSDIR\cmd.exe" /c ""$INSTDIR\hall.exe" setup & pause"'
    ${IfNot} ${FileExists} "$ConfigPath"
      DetailPrint "$(MsgSetupMissing)"
    ${EndIf}
  ${EndIf}
  done:
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} "$(SecMainDesc)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecShortcuts} "$(SecShortcutsDesc)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "$(SecDesktopDesc)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecAutostart} "$(SecAutostartDesc)"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP|MB_OK "$(MsgNeeds64)"
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
  StrCpy $DataRoot "$APPDATA\GovHall"  ; C:\ProgramData\GovHall
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

; ---------------------------------------------------------------------------
; Uninstall
; ---------------------------------------------------------------------------
Function un.onInit
  SetRegView 64
  SetShellVarContext all
  StrCpy $DataRoot "$APPDATA\GovHall"
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

Section "Uninstall"
  SetShellVarContext all

  DeleteRegValue HKLM "${RUN_KEY}" "${RUN_VALUE}"
  RMDir /r "${STARTMENU}"
  Delete "$DESKTOP\$(LnkCounter).lnk"

  ; Only what the installer put there (never RMDir /r an arbitrary install folder).
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\hall.exe"
  Delete "$INSTDIR\hall-kiosk.exe"
  Delete "$INSTDIR\hall-counter.exe"
  Delete "$INSTDIR\hall-display.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  ; Configuration and the local database are kept unless the administrator says otherwise (silent: kept).
  MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "$(MsgRemoveData)" /SD IDNO IDNO keep_data
    RMDir /r "$DataRoot"
    !insertmacro RemoveMachineEnv "HALL_CONFIG" "$DataRoot\machine.toml"
    !insertmacro RemoveMachineEnv "HALL_DATA_DIR" "$DataRoot\data"
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  keep_data:

  DeleteRegKey HKLM "${UNINST_KEY}"
  DeleteRegKey HKLM "${APP_KEY}"
SectionEnd
