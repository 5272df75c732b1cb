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
; Qt 6 (PySide6) runs only on 64-bit Windows 10 1809 (build 17763) or later and Windows 11, and
; the bundled Python not at all on Windows 7 or 8.1: refuse those PCs before anything is copied,
; with the messages below, instead of an application that fails at its first start.
MinVersion=10.0.17763
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

[Messages]
#if FileExists(AddBackslash(SourcePath) + "Indonesian.isl")
id.WinVersionTooLowError=Kudus Desktop memerlukan Windows 10 versi 1809 atau yang lebih baru (atau Windows 11), 64-bit. Komputer ini memakai versi yang lebih lama, sehingga Kudus Desktop tidak dapat dipasang. Hubungi DPMD Kabupaten Kudus.
id.OnlyOnTheseArchitectures=Kudus Desktop hanya dapat dipasang pada Windows 64-bit (x64). Komputer ini memakai Windows 32-bit, sehingga Kudus Desktop tidak dapat dipasang. Hubungi DPMD Kabupaten Kudus.%n%n%1
#endif
en.WinVersionTooLowError=Kudus Desktop needs 64-bit Windows 10 version 1809 or later (or Windows 11). This PC runs an older version, so Kudus Desktop cannot be installed.
en.OnlyOnTheseArchitectures=Kudus Desktop can only be installed on 64-bit Windows (x64). This PC runs 32-bit Windows.%n%n%1

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
; An update the application installed itself (/SILENT /PEMBARUAN=1): start the new version, whose
; first start runs the selftest. A silent install by an administrator starts nothing.
Filename: "{app}\KudusDesktop.exe"; Flags: nowait; Check: IsUpdateRun

[Code]
function IsUpdateRun: Boolean;
begin
  Result := ExpandConstant('{param:PEMBARUAN|0}') = '1';
end;

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
