; Inno Setup script for Kudus Desktop on Windows.
; Built by `python installer\build.py --installer`, which passes /DAppVersion from
; kudus_desktop.__version__ and expects the PyInstaller folder in dist\KudusDesktop.
; The data folder (%LOCALAPPDATA%\KudusDesktop) is never touched by installing or updating;
; uninstalling asks whether to delete it, and keeps it unless the clerk says yes.

#ifndef AppVersion
  #error Pass /DAppVersion=x.y.z (installer\build.py does)
#endif
; The folder installed; the Linux CI's check under Wine passes a small stand-in for it.
#ifndef BundleDir
  #define BundleDir "..\dist\KudusDesktop"
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
; Signed (installer and uninstaller) when installer\build.py is given $KUDUS_SIGNTOOL.
#ifdef SignTool
SignTool={#SignTool}
#endif

[Languages]
; Indonesian is one of Inno Setup's unofficial translations, not installed with it:
; Indonesian.isl beside this script is Files/Languages/Unofficial/Indonesian.isl of the Inno Setup
; repository (jrsoftware/issrc, commit 6d9d5b0f, for Inno Setup 6.4.0 and later).
#if FileExists(AddBackslash(SourcePath) + "Indonesian.isl")
Name: "id"; MessagesFile: "Indonesian.isl"
#endif
Name: "en"; MessagesFile: "compiler:Default.isl"

[Messages]
; Inno Setup 6 refuses a too-old or 32-bit Windows with this one message (its WinVersionTooLowError
; and OnlyOnTheseArchitectures are no longer shown: seen under Wine, whose Windows 7 got it).
#if FileExists(AddBackslash(SourcePath) + "Indonesian.isl")
id.WindowsVersionNotSupported=Kudus Desktop memerlukan Windows 10 versi 1809 atau yang lebih baru (atau Windows 11), 64-bit (x64). Windows di komputer ini lebih lama atau 32-bit, sehingga Kudus Desktop tidak dapat dipasang. Hubungi DPMD Kabupaten Kudus.
#endif
en.WindowsVersionNotSupported=Kudus Desktop needs 64-bit (x64) Windows 10 version 1809 or later, or Windows 11. The Windows on this PC is older or 32-bit, so Kudus Desktop cannot be installed.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; A copy of this installer, so that when the next version's first start fails its selftest the
; application can put this version back by running it again (kudus_desktop.core.sync.updates).
Source: "{srcexe}"; DestDir: "{app}\pemasang"; DestName: "KudusDesktop-{#AppVersion}-setup.exe"; Flags: external ignoreversion

[InstallDelete]
; Files of the previous version that this one no longer ships.
Type: filesandordirs; Name: "{app}\_internal"
; The previous version's installer: the application copied it into its data folder before this ran.
Type: filesandordirs; Name: "{app}\pemasang"

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
