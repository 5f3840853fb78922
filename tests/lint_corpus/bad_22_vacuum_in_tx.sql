-- expect: MZ302
VACUUM users;
