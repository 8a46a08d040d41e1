//! The operation vocabulary shared by the lazy graph, the type rules and every backend.

/// Elementwise operations of one operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Pos,
    /// `~`: bitwise not for integers, logical not for bool.
    Invert,
    LogicalNot,
    Abs,
    Sign,
    Sqrt,
    Cbrt,
    Square,
    Reciprocal,
    Exp,
    Exp2,
    Expm1,
    Log,
    Log2,
    Log10,
    Log1p,
    Sin,
    Cos,
    Tan,
    Arcsin,
    Arccos,
    Arctan,
    Sinh,
    Cosh,
    Tanh,
    Arcsinh,
    Arccosh,
    Arctanh,
    Deg2Rad,
    Rad2Deg,
    Floor,
    Ceil,
    Trunc,
    /// Round half to even (NumPy `rint`, `round` with 0 decimals).
    Rint,
    IsNan,
    IsInf,
    IsFinite,
    Signbit,
}

impl UnaryOp {
    /// The NumPy ufunc name, used in messages and generated tables.
    pub fn name(self) -> &'static str {
        use UnaryOp::*;
        match self {
            Neg => "negative",
            Pos => "positive",
            Invert => "invert",
            LogicalNot => "logical_not",
            Abs => "absolute",
            Sign => "sign",
            Sqrt => "sqrt",
            Cbrt => "cbrt",
            Square => "square",
            Reciprocal => "reciprocal",
            Exp => "exp",
            Exp2 => "exp2",
            Expm1 => "expm1",
            Log => "log",
            Log2 => "log2",
            Log10 => "log10",
            Log1p => "log1p",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Arcsin => "arcsin",
            Arccos => "arccos",
            Arctan => "arctan",
            Sinh => "sinh",
            Cosh => "cosh",
            Tanh => "tanh",
            Arcsinh => "arcsinh",
            Arccosh => "arccosh",
            Arctanh => "arctanh",
            Deg2Rad => "deg2rad",
            Rad2Deg => "rad2deg",
            Floor => "floor",
            Ceil => "ceil",
            Trunc => "trunc",
            Rint => "rint",
            IsNan => "isnan",
            IsInf => "isinf",
            IsFinite => "isfinite",
            Signbit => "signbit",
        }
    }

    pub const ALL: [UnaryOp; 39] = {
        use UnaryOp::*;
        [
            Neg, Pos, Invert, LogicalNot, Abs, Sign, Sqrt, Cbrt, Square, Reciprocal, Exp, Exp2, Expm1, Log, Log2,
            Log10, Log1p, Sin, Cos, Tan, Arcsin, Arccos, Arctan, Sinh, Cosh, Tanh, Arcsinh, Arccosh, Arctanh, Deg2Rad,
            Rad2Deg, Floor, Ceil, Trunc, Rint, IsNan, IsInf, IsFinite, Signbit,
        ]
    };
}

/// Elementwise operations of two operands (broadcast against each other).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    /// True division `/`.
    Div,
    FloorDiv,
    /// Python/NumPy `%` (result has the divisor's sign).
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    LShift,
    RShift,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    LogicalAnd,
    LogicalOr,
    LogicalXor,
    /// NaN-propagating minimum/maximum.
    Minimum,
    Maximum,
    /// NaN-ignoring minimum/maximum.
    Fmin,
    Fmax,
    Arctan2,
    Hypot,
    Copysign,
    /// C `fmod` (result has the dividend's sign).
    Fmod,
}

impl BinaryOp {
    pub fn name(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "add",
            Sub => "subtract",
            Mul => "multiply",
            Div => "true_divide",
            FloorDiv => "floor_divide",
            Mod => "remainder",
            Pow => "power",
            BitAnd => "bitwise_and",
            BitOr => "bitwise_or",
            BitXor => "bitwise_xor",
            LShift => "left_shift",
            RShift => "right_shift",
            Lt => "less",
            Le => "less_equal",
            Gt => "greater",
            Ge => "greater_equal",
            Eq => "equal",
            Ne => "not_equal",
            LogicalAnd => "logical_and",
            LogicalOr => "logical_or",
            LogicalXor => "logical_xor",
            Minimum => "minimum",
            Maximum => "maximum",
            Fmin => "fmin",
            Fmax => "fmax",
            Arctan2 => "arctan2",
            Hypot => "hypot",
            Copysign => "copysign",
            Fmod => "fmod",
        }
    }

    pub fn is_comparison(self) -> bool {
        use BinaryOp::*;
        matches!(self, Lt | Le | Gt | Ge | Eq | Ne)
    }

    pub const ALL: [BinaryOp; 29] = {
        use BinaryOp::*;
        [
            Add, Sub, Mul, Div, FloorDiv, Mod, Pow, BitAnd, BitOr, BitXor, LShift, RShift, Lt, Le, Gt, Ge, Eq, Ne,
            LogicalAnd, LogicalOr, LogicalXor, Minimum, Maximum, Fmin, Fmax, Arctan2, Hypot, Copysign, Fmod,
        ]
    };
}

/// Reductions over a set of axes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    Sum,
    Prod,
    Min,
    Max,
    ArgMin,
    ArgMax,
    Any,
    All,
    CountNonzero,
    Mean,
    /// Variance with `ddof` (degrees of freedom subtracted from the count).
    Var {
        ddof: u32,
    },
    Std {
        ddof: u32,
    },
    NanSum,
    NanProd,
    NanMin,
    NanMax,
    NanMean,
    NanVar {
        ddof: u32,
    },
    NanStd {
        ddof: u32,
    },
    NanArgMin,
    NanArgMax,
}

impl ReduceOp {
    pub fn name(self) -> &'static str {
        use ReduceOp::*;
        match self {
            Sum => "sum",
            Prod => "prod",
            Min => "min",
            Max => "max",
            ArgMin => "argmin",
            ArgMax => "argmax",
            Any => "any",
            All => "all",
            CountNonzero => "count_nonzero",
            Mean => "mean",
            Var { .. } => "var",
            Std { .. } => "std",
            NanSum => "nansum",
            NanProd => "nanprod",
            NanMin => "nanmin",
            NanMax => "nanmax",
            NanMean => "nanmean",
            NanVar { .. } => "nanvar",
            NanStd { .. } => "nanstd",
            NanArgMin => "nanargmin",
            NanArgMax => "nanargmax",
        }
    }
}

/// Cumulative operations along one axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScanOp {
    CumSum,
    CumProd,
    NanCumSum,
    NanCumProd,
}
