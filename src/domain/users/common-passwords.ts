/**
 * Widely reused passwords, refused when a connection turns on `password_dictionary` (compared
 * case-insensitively). Auth0 uses a list of the 10,000 most common passwords; this is the head of
 * such lists, the passwords credential-stuffing attacks try first.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456', '123456789', '12345678', '12345', '1234567', '1234567890', '123123', '1234', '111111', '000000',
  '123321', '654321', '666666', '121212', '112233', '7777777', '987654321', '11111111', '88888888', '123qwe',
  'password', 'password1', 'password12', 'password123', 'password!', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'pass1234', 'passpass',
  'qwerty', 'qwerty1', 'qwerty123', 'qwertyuiop', 'qwerty12', 'qwe123', 'qwer1234', 'asdfgh', 'asdfghjkl', 'zxcvbnm',
  '1q2w3e', '1q2w3e4r', '1q2w3e4r5t', '1qaz2wsx', 'zaq12wsx', 'q1w2e3r4', 'a1b2c3', 'abc123', 'abcd1234', 'abcdef',
  'iloveyou', 'iloveyou1', 'princess', 'sunshine', 'welcome', 'welcome1', 'welcome123', 'monkey', 'dragon', 'football',
  'baseball', 'letmein', 'letmein1', 'master', 'shadow', 'superman', 'batman', 'trustno1', 'starwars', 'hello123',
  'freedom', 'whatever', 'michael', 'jennifer', 'jordan23', 'charlie', 'donald', 'mustang', 'access', 'ninja',
  'admin', 'admin123', 'administrator', 'root', 'toor', 'changeme', 'default', 'guest', 'test', 'test123',
  'secret', 'secret123', 'login', 'loveme', 'flower', 'hottie', 'lovely', 'ashley', 'bailey', 'qazwsx',
  'summer', 'winter', 'spring', 'autumn', 'summer2024', 'summer2025', 'winter2024', 'winter2025', 'spring2025', 'autumn2025',
  'password2024', 'password2025', 'welcome2024', 'welcome2025', 'password1!', 'p@ssw0rd1', 'qwerty123!', 'welcome1!', 'passw0rd!', 'admin123!',
]);
