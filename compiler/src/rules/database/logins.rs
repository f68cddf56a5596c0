//! Templates logging in as the master user (known gap #224): a database whose literal master user
//! became a regular user of the cluster has its master password read the admin's (`doadmin`); a
//! `templatefile()` that logs in as that user is given the user's own password instead.

use crate::hclx;
use crate::origin::{Mode, Resource};
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;

/// A database whose master user name is a literal the rule made a regular user of the cluster
/// (`digitalocean_database_user`, see [`master_user`]), while its master password reads the
/// admin's (`doadmin`) password: a template that logs in as that name with the master password
/// would pair the user with another user's password.
#[derive(Debug, Clone)]
pub struct UserLogin {
    /// The origin database (`aws_db_instance.main`).
    pub database: String,
    /// The user name (`admin`).
    pub name: String,
    /// The emitted user (`digitalocean_database_user.main_user`).
    pub user: String,
    /// The generators of its master password (`random_password.db`).
    pub generators: Vec<String>,
    /// The database's password attribute (`password`, `master_password`).
    pub attr: &'static str,
}

/// The databases of the module whose master user became a regular user of the cluster.
pub fn user_logins(
    resources: &[Resource],
    st: &crate::rules::State,
    eval: &crate::eval::Eval,
    generated: &[crate::rules::secrets::GeneratedPassword],
) -> Vec<UserLogin> {
    let mut out = Vec::new();
    for db in resources
        .iter()
        .filter(|r| r.mode == Mode::Managed && !r.meta.is_repeated())
    {
        let Some((_, attr)) = crate::rules::secrets::DB_PASSWORDS
            .iter()
            .find(|(ty, _)| *ty == db.ty)
        else {
            continue;
        };
        let key = if db.ty == "aws_db_instance" {
            "username"
        } else {
            "master_username"
        };
        let Some(name) = hclx::attr(&db.body, key).and_then(|e| eval.string(e)) else {
            continue;
        };
        let Some(user) = st.outcomes.get(db.address()).and_then(|o| {
            o.targets
                .iter()
                .find(|t| t.starts_with("digitalocean_database_user."))
                .cloned()
        }) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        out.push(UserLogin {
            database: db.address().to_string(),
            name,
            user,
            generators: generated
                .iter()
                .filter(|g| g.database == db.address())
                .map(|g| g.source.clone())
                .collect(),
            attr,
        });
    }
    out
}

/// Whether `text` logs in as `name`: the name as a whole word that is quoted (`'admin'`,
/// `"admin"`) or follows `=`, `:`, `-u` or `--user` (`DB_USER=admin`, `user: admin`,
/// `mysql -u admin`).
fn logs_in_as(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || "_-./@$".contains(c);
    text.match_indices(name).any(|(i, _)| {
        let before = &text[..i];
        let after = &text[i + name.len()..];
        let (b, a) = (before.chars().next_back(), after.chars().next());
        if b.is_some_and(word) || a.is_some_and(word) {
            // `-uadmin`: the flag glued to the name.
            return before.ends_with(" -u") && !a.is_some_and(word);
        }
        if matches!((b, a), (Some('\''), Some('\'')) | (Some('"'), Some('"'))) {
            return true;
        }
        let lead = before.trim_end_matches([' ', '\t']);
        lead.ends_with('=')
            || lead.ends_with(':')
            || lead.ends_with(" -u")
            || lead.ends_with("--user")
            || lead.ends_with("--username")
    })
}

/// In a `templatefile(path, { … })` call whose template logs in as the literal master user of a
/// [`UserLogin`], a variable holding that database's master password (its generator's `result`,
/// or the database's password attribute) reads the user's own password instead, which is the
/// one the cluster gives that user (the master password now reads the admin's). `template` gives
/// the path (relative to the module) and text of the file a path expression reads. Returns, per
/// call rewritten, the template's path, the user name, the variables and the user's address.
pub fn template_user_passwords(
    x: &mut Expression,
    logins: &[UserLogin],
    template: &dyn Fn(&Expression) -> Option<(String, String)>,
) -> Vec<(String, String, Vec<String>, String)> {
    let mut done = Vec::new();
    if logins.is_empty() {
        return done;
    }
    let login_of = |v: &Expression| -> Option<&UserLogin> {
        let (root, ops) = hclx::traversal_root(v)?;
        logins.iter().find(|l| match ops {
            [Op::GetAttr(n), Op::GetAttr(a)] if a.as_str() == "result" => {
                l.generators.contains(&format!("{root}.{}", n.as_str()))
            }
            [Op::GetAttr(n), Op::GetAttr(a)] => {
                a.as_str() == l.attr && l.database == format!("{root}.{}", n.as_str())
            }
            _ => false,
        })
    };
    hclx::walk_mut(x, &mut |e| {
        let Expression::FuncCall(c) = e else {
            return true;
        };
        if c.name.name.as_str() != "templatefile" || c.args.len() != 2 {
            return true;
        }
        let Some((path, text)) = template(&c.args[0]) else {
            return true;
        };
        let Expression::Object(vars) = &mut c.args[1] else {
            return true;
        };
        let mut hits: Vec<(String, String, String)> = Vec::new();
        for (k, v) in vars.iter_mut() {
            let key = match k {
                hcl::expr::ObjectKey::Identifier(i) => i.as_str().to_string(),
                hcl::expr::ObjectKey::Expression(Expression::String(s)) => s.clone(),
                _ => continue,
            };
            let Some(l) = login_of(v) else { continue };
            let uses =
                text.contains(&format!("${{{key}}}")) || text.contains(&format!("${{ {key} }}"));
            if !uses || !logs_in_as(&text, &l.name) {
                continue;
            }
            let (ty, name) = l.user.split_once('.').unwrap_or_default();
            *v = hclx::path(&[ty, name, "password"]);
            hits.push((key, l.name.clone(), l.user.clone()));
        }
        for (key, name, user) in hits {
            match done.iter_mut().find(
                |(p, n, _, u): &&mut (String, String, Vec<String>, String)| {
                    *p == path && *n == name && *u == user
                },
            ) {
                Some((_, _, keys, _)) => keys.push(key),
                None => done.push((path.clone(), name, vec![key], user)),
            }
        }
        true
    });
    done
}

#[cfg(test)]
mod tests {
    use super::logs_in_as;

    #[test]
    fn logins_are_told_from_other_words() {
        assert!(logs_in_as("define( 'DB_USER', 'admin' );", "admin"));
        assert!(logs_in_as("DB_USER=admin\n", "admin"));
        assert!(logs_in_as("DB_USERNAME = admin", "admin"));
        assert!(logs_in_as("mysql -u admin -p", "admin"));
        assert!(logs_in_as("mysql -uadmin -p", "admin"));
        assert!(logs_in_as("user: \"admin\"", "admin"));
        assert!(!logs_in_as("location /wp-admin/ {", "admin"));
        assert!(!logs_in_as("the admin panel", "admin"));
        assert!(!logs_in_as("administrator=1", "admin"));
        assert!(!logs_in_as("", "admin"));
    }
}
