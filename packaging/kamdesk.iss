; Inno Setup 6 script: KAMDesk for one Windows user, no administrator rights needed.
; Built by `py packaging\build.py`, which passes the version and the bundle folder:
;   ISCC /DAppVersion=0.1.0 /DBundleDir=dist\KAMDesk /DIconFile=build\kamdesk.ico /Odist packaging\kamdesk.iss
;
; Installs the PyInstaller one-folder bundle into %LOCALAPPDATA%\Programs\KAMDesk,
; adds Start-menu shortcuts (the app, and "KAMDesk 自检" = kamdesk-cli --self-test),
; and an uninstaller. The user's data (database, backups, logs, settings) lives in
; %LOCALAPPDATA%\KAMDesk\KAMDesk and the registry key HKCU\Software\KAMDesk; the
; uninstaller removes only what this script installed, so both stay.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef IconFile
  #define IconFile "..\build\kamdesk.ico"
#endif
#ifndef BundleDir
  #define BundleDir "..\dist\KAMDesk"
#endif

[Setup]
; Never change AppId: upgrades and the uninstaller find an installation by it.
AppId={{4C1B7E2A-6F0D-4B8E-9A53-2D7C0E5B91A4}
AppName=KAMDesk
AppVerName=KAMDesk {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=KAMDesk
VersionInfoVersion={#AppVersion}
VersionInfoProductName=KAMDesk
VersionInfoDescription=KAMDesk 大客户工作台 安装程序
VersionInfoCompany=KAMDesk
; Per user: no UAC prompt, nothing under Program Files, nothing for other users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
DefaultDirName={localappdata}\Programs\KAMDesk
DefaultGroupName=KAMDesk
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputBaseFilename=KAMDesk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName=KAMDesk {#AppVersion}
UninstallDisplayIcon={app}\kamdesk.exe
SetupIconFile={#IconFile}
; Updating while KAMDesk runs: ask to close it (the database must not be in use).
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle's libraries wholesale: stale modules of the old
; version must not be picked up. Only {app}\_internal, never the user's data.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{userprograms}\KAMDesk\KAMDesk"; Filename: "{app}\kamdesk.exe"; WorkingDir: "{app}"
Name: "{userprograms}\KAMDesk\KAMDesk 自检"; Filename: "{cmd}"; Parameters: "/k ""{app}\kamdesk-cli.exe"" --self-test"; WorkingDir: "{app}"
Name: "{userprograms}\KAMDesk\{cm:UninstallProgram,KAMDesk}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\KAMDesk"; Filename: "{app}\kamdesk.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\kamdesk.exe"; Description: "{cm:LaunchProgram,KAMDesk}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Files the app may write next to itself (PyInstaller leaves none by default).
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
; Deliberately absent: {localappdata}\KAMDesk (database, backups, logs) and
; HKCU\Software\KAMDesk (settings). Staff reinstalling keep their data.
