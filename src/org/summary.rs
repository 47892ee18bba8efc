//! One account's row on the Accounts screen, filled in as answers arrive: reached or not (and why), the
//! users, how many have no MFA device, the unassigned virtual devices. (Root MFA comes from centralized
//! root access, not built yet.)

use std::collections::HashMap;

use crate::iam::{IamError, OrgAccount, VirtualMfaDevice};

/// Getting into the account: AssumeRole into the member role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Waiting its turn or being assumed.
    Reaching,
    Reached,
    /// Role missing, access denied, an SCP: the reason stays on the row.
    Failed(IamError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    pub account: OrgAccount,
    pub reach: Reach,
    /// The users' names, once ListUsers answered.
    users: Option<Vec<String>>,
    /// How many MFA devices each user has, as ListMFADevices answers arrive.
    devices: HashMap<String, usize>,
    /// Every virtual device of the account, once ListVirtualMFADevices answered.
    virtual_devices: Option<Vec<VirtualMfaDevice>>,
    /// The first listing that failed inside the account (the row says so instead of counts).
    pub failure: Option<IamError>,
}

impl AccountSummary {
    pub fn new(account: OrgAccount) -> Self {
        Self {
            account,
            reach: Reach::Reaching,
            users: None,
            devices: HashMap::new(),
            virtual_devices: None,
            failure: None,
        }
    }

    pub fn reached(&mut self, result: Result<(), IamError>) {
        self.reach = match result {
            Ok(()) => Reach::Reached,
            Err(error) => Reach::Failed(error),
        };
    }

    pub fn record_users(&mut self, names: Vec<String>) {
        self.users = Some(names);
    }

    pub fn record_devices(&mut self, user_name: &str, count: usize) {
        self.devices.insert(user_name.to_string(), count);
    }

    pub fn record_virtual_devices(&mut self, devices: Vec<VirtualMfaDevice>) {
        self.virtual_devices = Some(devices);
    }

    /// A listing failed: the first reason is kept.
    pub fn record_failure(&mut self, error: IamError) {
        self.failure.get_or_insert(error);
    }

    /// Why the row has no counts, if it has none for a reason.
    pub fn problem(&self) -> Option<&IamError> {
        match &self.reach {
            Reach::Failed(error) => Some(error),
            _ => self.failure.as_ref(),
        }
    }

    pub fn users(&self) -> Option<usize> {
        self.users.as_ref().map(Vec::len)
    }

    /// Known once every user's devices are.
    pub fn users_without_mfa(&self) -> Option<usize> {
        let users = self.users.as_ref()?;
        let mut without = 0;
        for user in users {
            match self.devices.get(user) {
                Some(0) => without += 1,
                Some(_) => {}
                None => return None,
            }
        }
        Some(without)
    }

    pub fn unassigned_virtual_devices(&self) -> Option<usize> {
        let devices = self.virtual_devices.as_ref()?;
        Some(devices.iter().filter(|d| !d.is_assigned()).count())
    }

    /// The unassigned virtual devices' serials (the organization sweep deletes these).
    pub fn unassigned_serials(&self) -> Vec<String> {
        self.virtual_devices
            .iter()
            .flatten()
            .filter(|d| !d.is_assigned())
            .map(|d| d.serial.clone())
            .collect()
    }

    /// Every figure of the row is in (or the row failed).
    pub fn is_complete(&self) -> bool {
        self.problem().is_some()
            || (self.users_without_mfa().is_some() && self.virtual_devices.is_some())
    }
}

/// Console users without MFA (Security Hub IAM.5) for one account. The figure needs GetLoginProfile per
/// user, which the coverage Collector (`src/coverage/`, another branch) gathers: after that merge, this
/// one function takes it from the account's Collector. Until then it is unknown, and the column says so.
pub fn console_users_without_mfa(_summary: &AccountSummary) -> Option<usize> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::AccountStatus;

    fn account() -> OrgAccount {
        OrgAccount {
            id: "111111111111".into(),
            name: "dev".into(),
            email: "dev@example.com".into(),
            status: AccountStatus::Active,
        }
    }

    fn device(serial: &str, user: Option<&str>) -> VirtualMfaDevice {
        VirtualMfaDevice {
            serial: serial.into(),
            user_name: user.map(str::to_string),
            user_arn: None,
            enabled_at: None,
        }
    }

    #[test]
    fn counts_fill_in_as_answers_arrive() {
        let mut summary = AccountSummary::new(account());
        assert_eq!(summary.users(), None);
        summary.reached(Ok(()));
        summary.record_users(vec!["a".into(), "b".into(), "c".into()]);
        assert_eq!(summary.users(), Some(3));
        summary.record_devices("a", 1);
        summary.record_devices("b", 0);
        assert_eq!(summary.users_without_mfa(), None, "c is not known yet");
        summary.record_devices("c", 0);
        assert_eq!(summary.users_without_mfa(), Some(2));
        assert!(!summary.is_complete());
        summary.record_virtual_devices(vec![
            device("arn:aws:iam::111111111111:mfa/a", Some("a")),
            device("arn:aws:iam::111111111111:mfa/old", None),
        ]);
        assert_eq!(summary.unassigned_virtual_devices(), Some(1));
        assert_eq!(
            summary.unassigned_serials(),
            ["arn:aws:iam::111111111111:mfa/old"]
        );
        assert!(summary.is_complete());
        assert_eq!(console_users_without_mfa(&summary), None);
    }

    #[test]
    fn a_failed_reach_is_the_rows_problem() {
        let mut summary = AccountSummary::new(account());
        let denied = IamError::access_denied(crate::iam::Action::AssumeRole, "no role");
        summary.reached(Err(denied.clone()));
        assert_eq!(summary.problem(), Some(&denied));
        assert!(summary.is_complete());
    }
}
