import numpy as np
"""Seawater density, rational-polynomial form (pyhpc-benchmarks `eos` style)."""
v01 = 9.998420897506056e2; v02 = 2.839940833161907e0; v03 = -3.147759265588511e-2; v04 = 1.181805545074306e-3
v05 = -6.698001071123802e0; v06 = -2.986498947203215e-2; v07 = 2.327859407479162e-4; v08 = -3.988822378968490e-2
v09 = 5.095422573880500e-4; v10 = -1.426984671633621e-5; v11 = 1.645039373682922e-7; v12 = -2.233269627352527e-2
v13 = -3.436090079851880e-4; v14 = 3.726050720345733e-6; v15 = -1.806789763745328e-4; v16 = 6.876837219536232e-7
v17 = -3.087032500374211e-7; v18 = -1.988366587925593e-8; v19 = -1.061519070296458e-11; v20 = 1.550932729220080e-10
v21 = 1.0e0; v22 = 2.775927747785646e-3; v23 = -2.349607444135925e-5; v24 = 1.119513357486743e-6
v25 = 6.743689325042773e-10; v26 = -7.521448093615448e-3; v27 = -2.764306979894411e-5; v28 = 1.262937315098546e-7
v29 = 9.527875081696435e-10; v30 = -1.811147201949891e-11; v31 = -3.303308871386421e-5; v32 = 3.801564588876298e-7
v33 = -7.672876869259043e-9; v34 = -4.634182341116144e-11; v35 = 2.681097235569143e-12; v36 = 5.419326551148740e-6
v37 = -2.742185394906099e-5; v38 = -3.212746477974189e-7; v39 = 3.191413910561627e-9; v40 = -1.931012931541776e-12
v41 = -1.105097577149576e-7; v42 = 6.211426728363857e-10; v43 = -1.119011592875110e-10; v44 = -1.941660213148725e-11
v45 = -1.864826425365600e-14; v46 = 1.119522344879478e-14; v47 = -1.200507748551599e-15; v48 = 6.057902487546866e-17


def gsw_rho(sa, ct, p):
    """In-situ density from absolute salinity, conservative temperature and pressure."""
    sqrtsa = np.sqrt(sa)
    ct2 = ct * ct
    p2 = p * p
    num = (v01 + v02 * ct + v03 * ct2 + v04 * ct2 * ct + v05 * sa * 1e-3 + v06 * sa * ct + v07 * sa * ct2
           + v08 * sa * sqrtsa * 1e-2 + v09 * sa * sqrtsa * ct + v10 * sa * sqrtsa * ct2 + v11 * sa * sqrtsa * ct2 * ct
           + v12 * p * 1e-2 + v13 * p * ct + v14 * p * ct2 + v15 * p * sa * 1e-2 + v16 * p * sa * ct
           + v17 * p2 + v18 * p2 * ct + v19 * p2 * ct2 + v20 * p2 * sa + v23 * p * sqrtsa + v24 * p * sqrtsa * ct)
    den = (v21 + v22 * ct + v25 * ct2 + v26 * ct * 1e-3 + v27 * ct2 * ct * 1e-2 + v28 * ct2 * ct2 + v29 * sa
           + v30 * sa * ct + v31 * sa * 1e-2 + v32 * sa * ct2 * 1e-2 + v33 * sa * sqrtsa + v34 * sa * sqrtsa * ct2
           + v35 * p * ct + v36 * p * 1e-3 + v37 * p * 1e-4 + v38 * p * ct2 * 1e-2 + v39 * p * sa + v40 * p2
           + v41 * p2 * 1e-3 + v42 * p2 * ct + v43 * p2 * sa + v44 * p2 * ct2 + v45 * p2 * p + v46 * p2 * p * ct
           + v47 * p2 * p * sa + v48 * p2 * p2)
    return num / den


def gsw_drho_dct(sa, ct, p, dct=1e-3):
    """Centred finite difference of the density with respect to temperature."""
    return (gsw_rho(sa, ct + dct, p) - gsw_rho(sa, ct - dct, p)) / (2 * dct)


n = 50
x = np.linspace(0.0, 1.0, n)
sa = 30.0 + 6.0 * np.sin(np.pi * x)[:, np.newaxis, np.newaxis] * np.ones((n, n, n))
ct = 2.0 + 20.0 * np.cos(0.5 * np.pi * x)[np.newaxis, :, np.newaxis] * np.ones((n, n, n))
p = 4000.0 * x[np.newaxis, np.newaxis, :] * np.ones((n, n, n))
rho = gsw_rho(sa, ct, p)
drho = gsw_drho_dct(sa, ct, p)
print(rho.shape, rho.dtype)
print(f"rho: min {rho.min():.6f} max {rho.max():.6f} mean {rho.mean():.6f}")
print(np.round(rho[::17, ::17, ::17], 6))
print(f"drho/dct at surface: {drho[10, 0, 0]:.6e}, deep: {drho[10, 0, -1]:.6e}")
print(np.all(np.isfinite(rho)), np.allclose(gsw_rho(sa[:2, :2, :2], ct[:2, :2, :2], p[:2, :2, :2]), rho[:2, :2, :2]))
