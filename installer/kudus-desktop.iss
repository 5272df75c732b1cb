; Inno Setup script for Kudus Desktop on Windows.
; Built by `python installer\build.py --installer`, which passes /DAppVersion from
; kudus_desktop.__version__ and expects the PyInstaller folder in dist\KudusDesktop.
; The data folder (%LOCALAPPDATA%\KudusDesktop) is never touched by installing or updating;
; uninstalling asks whether to delete it, and keeps it unless the clerk says yes.

#ifndef AppVersion
  #error Pass /DAppVersion=x.y.z (installer\build.py does)
#endif

[Setup]
AppId={{7C1B6C2E-5F0A-4B7E-9E7A-3D1F2B8C4A11}
AppName=Kudus Desktop
AppVersion={#AppVersion}
AppVerName=Kudus Desktop {#AppVersion}
AppPublisher=Kabupaten Kudus
DefaultDirName={autopf}\Kudus Desktop
DefaultGroupName=Kudus Desktop
; Per-user by default (no administrator needed on an office PC); per-machine when chosen.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\dist
OutputBaseFilename=KudusDesktop-{#AppVersion}-setup
SetupIconFile=..\build\installer\kudus.ico
UninstallDisplayIcon={app}\KudusDesktop.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; An update installs over the old version in the same folder; the window must be closed.
CloseApplications=yes

[Languages]
; Indonesian is one of Inno Setup's unofficial translations, not installed with it: the Windows
; workflow fetches Indonesian.isl from the Inno Setup repository next to this script.
#if FileExists(AddBackslash(SourcePath) + "Indonesian.isl")
Name: "id"; MessagesFile: "Indonesian.isl"
#endif
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\dist\KudusDesktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; Files of the previous version that this one no longer ships.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\Kudus Desktop"; Filename: "{app}\KudusDesktop.exe"
Name: "{group}\Uji mandiri Kudus Desktop"; Filename: "{cmd}"; Parameters: "/k ""{app}\kudus-desktop.exe"" selftest"
Name: "{group}\{cm:UninstallProgram,Kudus Desktop}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Kudus Desktop"; Filename: "{app}\KudusDesktop.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\KudusDesktop.exe"; Description: "{cm:LaunchProgram,Kudus Desktop}"; Flags: nowait postinstall skipifsilent

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{localappdata}\KudusDesktop');
    if DirExists(DataDir) then
      if MsgBox('Hapus juga data Kudus Desktop (basis data peserta, cadangan, paket sinkronisasi) di ' + DataDir + '?' + #13#10#13#10 +
                'Pilih Tidak untuk menyimpannya, misalnya bila akan memasang ulang.', mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
        DelTree(DataDir, True, True, True);
  end;
end;
