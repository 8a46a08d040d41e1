//! No-panic fuzzing: deterministic mutations of realistic programs and random byte strings
//! must give `Ok` or `Err`, never a panic or a stack overflow.

use hpxl_grammar::parse_module;

/// xorshift64*: a tiny deterministic PRNG, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const PROGRAMS: &[&str] = &[
    "# heat.hx\nn = 2000\nu = zeros((n, n))\nu[n//4:3*n//4, n//4:3*n//4] = 1.0\nfor step in range(100):\n    u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]\n                            - 4 * u[1:-1, 1:-1])\nprint(\"total heat\", sum(u), \"max\", u.max())\n",
    "import numpy as np\nfrom time import perf_counter as pc\n\ndef norm(x, *, ord=2, **kw):\n    \"\"\"Euclidean norm.\"\"\"\n    if x.ndim == 0:\n        return abs(x)\n    elif ord is None or ord == 2:\n        return np.sqrt((x ** 2).sum(axis=-1, keepdims=True))\n    else:\n        raise ValueError(f'bad ord {ord!r:>4}')\n\na, *rest = [i * 2 for i in range(10) if i % 3 != 0]\nwith policy('seq'):\n    t = pc(); b = norm(np.ones(3)); print(f'{b=} took {pc() - t:.3f}s')\n",
    "def f(a, b=1, *args, c, **kw):\n    global g\n    def inner(x):\n        nonlocal a\n        a += x\n        return lambda y: y if y else -y\n    while a < 10:\n        a = a + 1\n    else:\n        pass\n    del kw['x'], args\n    assert a > 0, 'positive'\n    return a, b\nx = {'k': [1, 2.5, .5, 1e-3, 0x1F, 0b1, 0o7], \"s\": '''multi\nline'''}\ny = x['k'][::2][..., None] @ m.T\n",
];

fn must_not_panic(input: &str) {
    let owned = input.to_string();
    let result = std::panic::catch_unwind(move || {
        let _ = parse_module(&owned, 0);
    });
    assert!(result.is_ok(), "parse_module panicked on input {input:?}");
}

fn mutate(rng: &mut Rng, program: &str) -> String {
    let mut bytes = program.as_bytes().to_vec();
    let alphabet = b"()[]{}:;,.=+-*/%@<>!&|^~'\"\\#\n \t\r0123456789abcdefxjo_fFrR{}";
    for _ in 0..1 + rng.below(4) {
        let len = bytes.len();
        match rng.below(5) {
            0 if len > 0 => {
                bytes.remove(rng.below(len));
            }
            1 => {
                let c = alphabet[rng.below(alphabet.len())];
                bytes.insert(rng.below(len + 1), c);
            }
            2 if len > 1 => {
                let (i, j) = (rng.below(len), rng.below(len));
                bytes.swap(i, j);
            }
            3 => bytes.truncate(rng.below(len + 1)),
            _ => {
                // Duplicate a slice: makes deeper nesting and longer lines.
                let i = rng.below(len + 1);
                let j = (i + rng.below(20)).min(len);
                let piece: Vec<u8> = bytes.get(i..j).map(|p| p.to_vec()).unwrap_or_default();
                for (k, b) in piece.into_iter().enumerate() {
                    bytes.insert(i + k, b);
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn originals_parse() {
    for program in PROGRAMS {
        assert!(parse_module(program, 0).is_ok(), "{:?}", parse_module(program, 0));
    }
}

#[test]
fn mutated_programs_do_not_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..5000 {
        let program = PROGRAMS[i % PROGRAMS.len()];
        must_not_panic(&mutate(&mut rng, program));
    }
}

#[test]
fn random_bytes_do_not_panic() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let tokens: &[&str] = &[
        "(", ")", "[", "]", "{", "}", ":", ",", "if ", "else", "for ", " in ", "lambda", "def ", "\n", "    ", "x",
        "1", "'", "f'{", "}", "\"\"\"", "**", "-", "not ", "=", "\\\n", "\t", "#", "é", "...", ";", "*", "return ",
        "@",
    ];
    for _ in 0..2000 {
        let len = rng.below(64);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xFF) as u8).collect();
        must_not_panic(&String::from_utf8_lossy(&bytes));
        let n = rng.below(40);
        let text: String = (0..n).map(|_| tokens[rng.below(tokens.len())]).collect();
        must_not_panic(&text);
    }
}
